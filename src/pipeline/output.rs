//! The records the worker writes: enriched events and dead letters, with
//! their keys and headers. Pure: the caller passes the clock's reading.

use std::ffi::CStr;

use chrono::{DateTime, SecondsFormat, Utc};
use rdkafka::bindings as rdsys;
use rdkafka::message::{BorrowedMessage, Header, Message, OwnedHeaders};

/// Message headers in order, as Kafka has them: a name may repeat and a
/// value may be null.
pub type HeaderList = Vec<(String, Option<Vec<u8>>)>;

pub const CONTENT_TYPE: &str = "content-type";
pub const SCHEMA_VERSION: &str = "schema-version";
pub const ENRICHED_AT: &str = "enriched-at";
pub const SOURCE_TOPIC: &str = "source-topic";
pub const SOURCE_PARTITION: &str = "source-partition";
pub const SOURCE_OFFSET: &str = "source-offset";
pub const ERROR_KIND: &str = "error-kind";
pub const ERROR_MESSAGE: &str = "error-message";
pub const FAILED_AT: &str = "failed-at";

/// The error kind of a dead letter whose enrichment panicked.
pub const PANIC_KIND: &str = "panic";

/// A message read from an input topic, owned so that it can move to the
/// CPU pool's threads.
#[derive(Debug, Clone, PartialEq)]
pub struct InputMessage {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    pub key: Option<Vec<u8>>,
    /// `None` for a tombstone.
    pub payload: Option<Vec<u8>>,
    pub headers: HeaderList,
    /// The message timestamp (ms since the epoch), for the end-to-end
    /// latency metric.
    pub timestamp_ms: Option<i64>,
}

impl InputMessage {
    /// Bytes of the payload (0 for a tombstone).
    pub fn payload_len(&self) -> usize {
        self.payload.as_ref().map_or(0, Vec::len)
    }

    pub fn from_kafka(m: &BorrowedMessage<'_>) -> Self {
        Self {
            topic: m.topic().to_owned(),
            partition: m.partition(),
            offset: m.offset(),
            key: m.key().map(<[u8]>::to_vec),
            payload: m.payload().map(<[u8]>::to_vec),
            headers: header_list(m),
            timestamp_ms: m.timestamp().to_millis(),
        }
    }
}

/// Copies the headers of `m` into a [`HeaderList`], decoding each name
/// lossily (an invalid byte becomes U+FFFD), as Kafka's Java client does.
///
/// Not through rdkafka's `Headers` trait: in rdkafka 0.39 it unwraps the
/// UTF-8 conversion of every name, so one header whose name is not UTF-8,
/// which any client can write, would panic the task reading the partition
/// and stop the partition for the whole group. librdkafka's C API hands
/// out the names as bytes.
pub fn header_list(m: &BorrowedMessage<'_>) -> HeaderList {
    let mut headers = std::ptr::null_mut();
    // SAFETY: `m.ptr()` points to a message librdkafka keeps alive as long
    // as `m`. On success `headers` points into that message, which owns it.
    let found = unsafe { rdsys::rd_kafka_message_headers(m.ptr(), &mut headers) };
    if found != rdsys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR {
        return Vec::new(); // RD_KAFKA_RESP_ERR__NOENT: the message has none
    }
    // SAFETY: `headers` is the valid list obtained above.
    let count = unsafe { rdsys::rd_kafka_header_cnt(headers) };
    (0..count).filter_map(|i| header_at(headers, i)).collect()
}

/// Header `i` of `headers`, a list owned by a live message.
fn header_at(
    headers: *const rdsys::rd_kafka_headers_t,
    i: usize,
) -> Option<(String, Option<Vec<u8>>)> {
    let (mut name, mut value, mut size) = (std::ptr::null(), std::ptr::null(), 0);
    // SAFETY: `headers` is valid (see `header_list`) and `i` below its count;
    // librdkafka writes a NUL-terminated name and a value pointer (null for
    // a null value) with its size, all owned by the list.
    let got =
        unsafe { rdsys::rd_kafka_header_get_all(headers, i, &mut name, &mut value, &mut size) };
    if got != rdsys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR || name.is_null() {
        return None;
    }
    // SAFETY: as above; both are copied before the list can go away.
    let name = unsafe { CStr::from_ptr(name) }
        .to_string_lossy()
        .into_owned();
    let value = (!value.is_null())
        .then(|| unsafe { std::slice::from_raw_parts(value.cast::<u8>(), size) }.to_vec());
    Some((name, value))
}

/// What became of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Enriched { id: String },
    DeadLettered { kind: String },
}

/// A record ready to be produced, owned so that a failed produce can be
/// retried with the same bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputRecord {
    pub topic: String,
    pub key: Option<Vec<u8>>,
    pub payload: Option<Vec<u8>>,
    pub headers: HeaderList,
    pub outcome: Outcome,
}

impl OutputRecord {
    /// The headers in rdkafka's form.
    pub fn kafka_headers(&self) -> OwnedHeaders {
        self.headers.iter().fold(
            OwnedHeaders::new_with_capacity(self.headers.len()),
            |h, (key, value)| {
                h.insert(Header {
                    key,
                    value: value.as_deref(),
                })
            },
        )
    }

    /// The first value of header `name`, as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        header_value(&self.headers, name)
    }

    /// What to produce instead of this record when the producer or the
    /// brokers refuse it for its size: retrying the same bytes would fail
    /// forever and hold the partition. An enriched event becomes a dead
    /// letter of kind `output_too_large`; a dead letter keeps its kind. Both
    /// keep key and headers, lose the value (an empty one: a null value would
    /// be a tombstone on a compacted topic) and say why in `value-dropped`.
    /// The source headers tell where the input can be read again.
    pub fn without_value(
        &self,
        dead_letter_topic: &str,
        error: &str,
        now: DateTime<Utc>,
    ) -> OutputRecord {
        let size = self.payload.as_ref().map_or(0, Vec::len);
        let reason = format!(
            "the output of {size} bytes was refused ({error}); raise message.max.bytes of the producer \
             (kafka.producer_properties) and of the brokers to carry outputs this large"
        );
        let mut headers = self.headers.clone();
        let outcome = match &self.outcome {
            Outcome::Enriched { .. } => {
                headers.push(text(ERROR_KIND, OUTPUT_TOO_LARGE_KIND));
                headers.push(text(ERROR_MESSAGE, reason.clone()));
                headers.push(text(FAILED_AT, rfc3339(now)));
                Outcome::DeadLettered {
                    kind: OUTPUT_TOO_LARGE_KIND.to_owned(),
                }
            }
            dead => dead.clone(),
        };
        headers.push(text(VALUE_DROPPED, reason));
        OutputRecord {
            topic: dead_letter_topic.to_owned(),
            key: self.key.clone(),
            payload: Some(Vec::new()),
            headers,
            outcome,
        }
    }
}

/// The first value of header `name` in `headers`, as text.
pub fn header_value<'a>(headers: &'a HeaderList, name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .and_then(|(_, v)| v.as_deref())
        .and_then(|v| std::str::from_utf8(v).ok())
}

/// Error kind of an enriched event too large for the producer or brokers.
pub const OUTPUT_TOO_LARGE_KIND: &str = "output_too_large";

/// Header saying why a record was produced without its value.
pub const VALUE_DROPPED: &str = "value-dropped";

fn text(name: &str, value: impl Into<String>) -> (String, Option<Vec<u8>>) {
    (name.to_owned(), Some(value.into().into_bytes()))
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn source_headers(input: &InputMessage, out: &mut HeaderList) {
    out.push(text(SOURCE_TOPIC, input.topic.clone()));
    out.push(text(SOURCE_PARTITION, input.partition.to_string()));
    out.push(text(SOURCE_OFFSET, input.offset.to_string()));
}

/// The enriched event for `input`: keyed by article id, the serialized
/// article as value. `trace` holds the trace headers of this processing.
pub fn enriched_record(
    input: &InputMessage,
    topic: &str,
    id: &str,
    json: Vec<u8>,
    trace: HeaderList,
    now: DateTime<Utc>,
) -> OutputRecord {
    let mut headers = vec![
        text(CONTENT_TYPE, "application/json"),
        text(SCHEMA_VERSION, enricher_core::SCHEMA_VERSION.to_string()),
    ];
    headers.extend(trace);
    headers.push(text(ENRICHED_AT, rfc3339(now)));
    source_headers(input, &mut headers);
    OutputRecord {
        topic: topic.to_owned(),
        key: Some(id.as_bytes().to_vec()),
        payload: Some(json),
        headers,
        outcome: Outcome::Enriched { id: id.to_owned() },
    }
}

/// The dead letter for `input`: its key, value and headers untouched, plus
/// the reason and where it came from.
pub fn dead_letter_record(
    input: &InputMessage,
    topic: &str,
    kind: &str,
    message: &str,
    now: DateTime<Utc>,
) -> OutputRecord {
    let mut headers = input.headers.clone();
    headers.push(text(ERROR_KIND, kind));
    headers.push(text(ERROR_MESSAGE, message));
    source_headers(input, &mut headers);
    headers.push(text(FAILED_AT, rfc3339(now)));
    OutputRecord {
        topic: topic.to_owned(),
        key: input.key.clone(),
        payload: input.payload.clone(),
        headers,
        outcome: Outcome::DeadLettered {
            kind: kind.to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> InputMessage {
        InputMessage {
            topic: "articles.raw".into(),
            partition: 2,
            offset: 41,
            key: Some(b"k1".to_vec()),
            payload: Some(b"{not json".to_vec()),
            headers: vec![
                ("traceparent".into(), Some(b"00-aa".to_vec())),
                ("null-valued".into(), None),
                ("dup".into(), Some(b"1".to_vec())),
                ("dup".into(), Some(b"2".to_vec())),
            ],
            timestamp_ms: None,
        }
    }

    #[test]
    fn a_record_too_large_becomes_a_dead_letter_without_value() {
        let enriched = enriched_record(&input(), "out", "id-1", vec![b'x'; 10], Vec::new(), now());
        let small = enriched.without_value("dlq", "Broker: Message size too large", now());
        assert_eq!(small.topic, "dlq");
        assert_eq!(small.key.as_deref(), Some(&b"id-1"[..]));
        assert_eq!(small.payload.as_deref(), Some(&b""[..]));
        assert_eq!(
            small.outcome,
            Outcome::DeadLettered {
                kind: OUTPUT_TOO_LARGE_KIND.into()
            }
        );
        assert_eq!(small.header(ERROR_KIND), Some(OUTPUT_TOO_LARGE_KIND));
        assert_eq!(small.header(SOURCE_OFFSET), Some("41"));
        assert!(small.header(VALUE_DROPPED).unwrap().contains("10 bytes"));

        let dead = dead_letter_record(&input(), "dlq", "invalid_json", "bad", now());
        let small = dead.without_value("dlq", "too large", now());
        assert_eq!(
            small.header(ERROR_KIND),
            Some("invalid_json"),
            "a dead letter keeps its reason"
        );
        assert_eq!(
            small.outcome,
            Outcome::DeadLettered {
                kind: "invalid_json".into()
            }
        );
        assert!(small.header(VALUE_DROPPED).is_some());
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-01-02T03:04:05.678Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn enriched_record_has_key_and_every_header() {
        let trace = vec![text("traceparent", "00-x")];
        let r = enriched_record(&input(), "out", "art-1", b"{}".to_vec(), trace, now());
        assert_eq!(r.topic, "out");
        assert_eq!(r.key.as_deref(), Some(&b"art-1"[..]));
        assert_eq!(r.payload.as_deref(), Some(&b"{}"[..]));
        let names: Vec<&str> = r.headers.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "content-type",
                "schema-version",
                "traceparent",
                "enriched-at",
                "source-topic",
                "source-partition",
                "source-offset"
            ]
        );
        assert_eq!(r.header(CONTENT_TYPE), Some("application/json"));
        assert_eq!(
            r.header(SCHEMA_VERSION),
            Some(enricher_core::SCHEMA_VERSION.to_string().as_str())
        );
        assert_eq!(r.header(ENRICHED_AT), Some("2026-01-02T03:04:05.678Z"));
        assert_eq!(r.header(SOURCE_TOPIC), Some("articles.raw"));
        assert_eq!(r.header(SOURCE_PARTITION), Some("2"));
        assert_eq!(r.header(SOURCE_OFFSET), Some("41"));
        assert_eq!(r.outcome, Outcome::Enriched { id: "art-1".into() });
    }

    #[test]
    fn dead_letter_keeps_the_original_untouched_and_adds_the_reason() {
        let i = input();
        let r = dead_letter_record(&i, "dlq", "invalid_json", "bad: x", now());
        assert_eq!(r.topic, "dlq");
        assert_eq!(r.key, i.key);
        assert_eq!(r.payload, i.payload);
        assert_eq!(
            &r.headers[..4],
            &i.headers[..],
            "original headers first, in order"
        );
        assert_eq!(r.header(ERROR_KIND), Some("invalid_json"));
        assert_eq!(r.header(ERROR_MESSAGE), Some("bad: x"));
        assert_eq!(r.header(SOURCE_OFFSET), Some("41"));
        assert_eq!(r.header(FAILED_AT), Some("2026-01-02T03:04:05.678Z"));
        assert_eq!(r.headers.len(), 4 + 6);
    }

    #[test]
    fn tombstone_dead_letter_has_no_value() {
        let mut i = input();
        i.payload = None;
        i.key = None;
        let r = dead_letter_record(&i, "dlq", "missing_body", "no value", now());
        assert_eq!(r.payload, None);
        assert_eq!(r.key, None);
    }

    #[test]
    fn kafka_headers_keep_order_duplicates_and_nulls() {
        let i = input();
        let r = dead_letter_record(&i, "dlq", "k", "m", now());
        let h = r.kafka_headers();
        let back: HeaderList = rdkafka::message::Headers::iter(&h)
            .map(|h| (h.key.to_owned(), h.value.map(<[u8]>::to_vec)))
            .collect();
        assert_eq!(back, r.headers);
    }
}
