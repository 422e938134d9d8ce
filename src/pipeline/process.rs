//! One message in, one record out: decode, enrich, serialize, or a dead
//! letter saying why not. CPU-bound and synchronous: the worker runs it on
//! its [`CpuPool`]. The shell knows nothing of how articles are enriched:
//! it calls [`enricher_core::decode`] and [`enricher_core::enrich`].

use std::panic::AssertUnwindSafe;

use chrono::Utc;
use enricher_core::DecodeLimits;

use super::cpu_pool::CpuPool;
use super::output::{self, HeaderList, InputMessage, OutputRecord, PANIC_KIND};
use super::trace_context;
use crate::metrics;

/// Where the records go.
#[derive(Debug, Clone)]
pub struct Destinations {
    pub output: String,
    pub dead_letter: String,
    /// `worker.enrich = false`: every value is copied to the output as it
    /// is, not decoded nor enriched (pass-through, for benchmarks only).
    pub pass_through: bool,
}

/// The `process` span of a message: fields topic, partition, offset and
/// (once decoded) the article id; the input's trace context is its parent.
pub fn process_span(input: &InputMessage) -> tracing::Span {
    let span = tracing::info_span!(
        "process",
        topic = %input.topic,
        partition = input.partition,
        offset = input.offset,
        article_id = tracing::field::Empty,
        outcome = tracing::field::Empty,
    );
    trace_context::set_parent_from(&span, &input.headers);
    span
}

/// Turns `input` into the record to produce, under `span` (see
/// [`process_span`]). Never panics: a panic of the core becomes a dead
/// letter of kind `panic`.
pub fn process(
    input: &InputMessage,
    span: &tracing::Span,
    limits: &DecodeLimits,
    to: &Destinations,
) -> OutputRecord {
    if to.pass_through {
        return pass_through(input, span, to);
    }
    process_with(input, span, limits, to, enricher_core::enrich)
}

/// The pass-through of `worker.enrich = false`, for benchmarks only: the
/// value copied to the output topic under the input's key, with the
/// headers of an enriched event, so that everything but decode, enrich and
/// serialize costs what it costs in a real run.
fn pass_through(input: &InputMessage, span: &tracing::Span, to: &Destinations) -> OutputRecord {
    let _entered = span.enter();
    span.record("outcome", "passed_through");
    let id = input
        .key
        .as_deref()
        .map(String::from_utf8_lossy)
        .unwrap_or_default();
    let mut trace = HeaderList::new();
    trace_context::inject(span, &input.headers, &mut trace);
    let value = input.payload.clone().unwrap_or_default();
    output::enriched_record(input, &to.output, &id, value, trace, Utc::now())
}

/// [`process`] with another enrichment function (tests give one that panics).
pub fn process_with(
    input: &InputMessage,
    span: &tracing::Span,
    limits: &DecodeLimits,
    to: &Destinations,
    enrich: impl FnOnce(enricher_core::RawArticle) -> enricher_core::EnrichedArticle,
) -> OutputRecord {
    let _entered = span.enter();
    let dead = |kind: &str, message: &str| {
        span.record("outcome", kind);
        output::dead_letter_record(input, &to.dead_letter, kind, message, Utc::now())
    };
    let Some(payload) = input.payload.as_deref() else {
        return dead(
            enricher_core::DecodeErrorKind::MissingBody.as_str(),
            "the message has no value (a tombstone); send the article text or a JSON event",
        );
    };
    let raw = match tracing::info_span!("decode").in_scope(|| {
        metrics::timed(metrics::DECODE_SECONDS, || {
            enricher_core::decode(payload, input.key.as_deref(), limits)
        })
    }) {
        Ok(raw) => raw,
        Err(e) => {
            tracing::info!(kind = e.kind.as_str(), error = %e.message, "dead-lettering a message that does not decode");
            return dead(e.kind.as_str(), &e.message);
        }
    };
    span.record("article_id", raw.id.as_str());
    // `enrich` takes the article, moving its text into the event.
    let id = raw.id.clone();
    let enriched = tracing::info_span!("enrich").in_scope(|| {
        metrics::timed(metrics::ENRICH_SECONDS, || {
            std::panic::catch_unwind(AssertUnwindSafe(|| {
                let article = enrich(raw);
                article
                    .to_json()
                    .map(|json| (json, metrics::Extracted::of(&article)))
            }))
        })
    });
    let json = match enriched {
        Ok(Ok((json, extracted))) => {
            extracted.record();
            json
        }
        Ok(Err(e)) => {
            let message = format!("cannot serialize the enriched article: {e}");
            tracing::error!(id = %id, "{message}");
            return dead("serialize", &message);
        }
        Err(panic) => {
            let what = panic_message(panic.as_ref());
            tracing::error!(id = %id, panic = %what, "the enrichment core panicked; dead-lettering the message and going on");
            return dead(
                PANIC_KIND,
                &format!("the enrichment core panicked: {what} (this is a bug: please report it with the message)"),
            );
        }
    };
    span.record("outcome", "enriched");
    let mut trace = HeaderList::new();
    trace_context::inject(span, &input.headers, &mut trace);
    output::enriched_record(input, &to.output, &id, json, trace, Utc::now())
}

/// Runs [`process`] on `cpu`, the threads shared by all partitions: the
/// reactor never runs the core. Takes what it needs by value, so the
/// future can be kept in a queue of work in flight. A panic of the job
/// itself (`process` already catches the core's) still yields a dead
/// letter, so every input gets exactly one record.
pub async fn process_on(
    cpu: std::sync::Arc<CpuPool>,
    input: std::sync::Arc<InputMessage>,
    span: tracing::Span,
    limits: DecodeLimits,
    to: Destinations,
) -> OutputRecord {
    let job = {
        let (input, to) = (input.clone(), to.clone());
        move || process(&input, &span, &limits, &to)
    };
    match cpu.run(job).await {
        Ok(record) => record,
        Err(panic) => {
            let what = panic_message(panic.as_ref());
            tracing::error!(
                partition = input.partition,
                offset = input.offset,
                "processing failed: {what}"
            );
            output::dead_letter_record(
                &input,
                &to.dead_letter,
                PANIC_KIND,
                &format!("processing panicked: {what}"),
                Utc::now(),
            )
        }
    }
}

/// The text of a panic payload.
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::output::Outcome;

    fn msg(payload: Option<&[u8]>) -> InputMessage {
        InputMessage {
            topic: "in".into(),
            partition: 0,
            offset: 7,
            key: Some(b"key-7".to_vec()),
            payload: payload.map(<[u8]>::to_vec),
            headers: vec![],
            timestamp_ms: None,
        }
    }

    fn to() -> Destinations {
        Destinations {
            output: "out".into(),
            dead_letter: "dlq".into(),
            pass_through: false,
        }
    }

    fn run(payload: Option<&[u8]>) -> OutputRecord {
        let m = msg(payload);
        process(&m, &process_span(&m), &DecodeLimits::default(), &to())
    }

    #[test]
    fn a_good_event_is_enriched_and_keyed_by_id() {
        let r = run(Some(br#"{"id":"a-1","text":"Hello world. It works."}"#));
        assert_eq!(r.outcome, Outcome::Enriched { id: "a-1".into() });
        assert_eq!(r.topic, "out");
        assert_eq!(r.key.as_deref(), Some(&b"a-1"[..]));
        let v: serde_json::Value = serde_json::from_slice(r.payload.as_deref().unwrap()).unwrap();
        assert_eq!(v["id"], "a-1");
        assert_eq!(v["schema_version"], enricher_core::SCHEMA_VERSION);
    }

    #[test]
    fn every_decode_error_and_a_tombstone_are_dead_letters() {
        let big = vec![b'a'; 5 * 1024 * 1024];
        for (payload, kind) in [
            (Some(&b"{oops"[..]), "invalid_json"),
            (Some(&b"[1,2]"[..]), "not_an_object"),
            (Some(&br#"{"id":"x"}"#[..]), "missing_body"),
            (Some(&br#"{"text":5}"#[..]), "invalid_field"),
            (Some(&b"\xff\xfe"[..]), "invalid_utf8"),
            (Some(&big[..]), "too_large"),
            (None, "missing_body"),
        ] {
            let r = run(payload);
            assert_eq!(r.topic, "dlq", "{kind}");
            assert_eq!(r.outcome, Outcome::DeadLettered { kind: kind.into() });
            assert_eq!(r.header(output::ERROR_KIND), Some(kind));
            assert_eq!(r.key.as_deref(), Some(&b"key-7"[..]));
            assert_eq!(r.payload.as_deref(), payload);
        }
    }

    #[test]
    fn a_panic_in_the_core_becomes_a_dead_letter() {
        let m = msg(Some(b"A perfectly fine article."));
        let r = process_with(
            &m,
            &process_span(&m),
            &DecodeLimits::default(),
            &to(),
            |_| panic!("index out of bounds in quotes"),
        );
        assert_eq!(r.topic, "dlq");
        assert_eq!(
            r.outcome,
            Outcome::DeadLettered {
                kind: "panic".into()
            }
        );
        assert_eq!(r.header(output::ERROR_KIND), Some("panic"));
        assert!(r
            .header(output::ERROR_MESSAGE)
            .unwrap()
            .contains("index out of bounds in quotes"));
        assert_eq!(r.payload, m.payload, "the original value");
    }

    #[test]
    fn pass_through_copies_the_value_under_the_input_key() {
        let m = msg(Some(b"{oops, not even JSON"));
        let to = Destinations {
            pass_through: true,
            ..to()
        };
        let r = process(&m, &process_span(&m), &DecodeLimits::default(), &to);
        assert_eq!(r.topic, "out");
        assert_eq!(r.payload, m.payload);
        assert_eq!(r.key.as_deref(), Some(&b"key-7"[..]));
        assert_eq!(r.header(output::SOURCE_OFFSET), Some("7"));
    }

    #[test]
    fn panic_messages_are_read() {
        let p = std::panic::catch_unwind(|| panic!("boom {}", 1)).unwrap_err();
        assert_eq!(panic_message(p.as_ref()), "boom 1");
        let p = std::panic::catch_unwind(|| panic!("static")).unwrap_err();
        assert_eq!(panic_message(p.as_ref()), "static");
    }
}
