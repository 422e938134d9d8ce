//! Decoding of raw article events: the bytes that arrive on the input topic.
//!
//! A payload is either a JSON object (`{"id": …, "text": …}`) or the plain
//! UTF-8 text of an article, optionally starting with a `date YYYY-MM-DD`
//! prefix as crawlers of some sites deliver it. Everything that can go wrong
//! with a payload is a [`DecodeError`] with a machine-readable [`DecodeErrorKind`]
//! (it becomes the `error-kind` header of a dead letter) and a message that
//! names the problem. Decoding never panics.

use serde_json::{Map, Value};
use xxhash_rust::xxh3::xxh3_128;

/// The JSON fields that may hold the article body, in order of preference.
pub const BODY_FIELDS: [&str; 3] = ["text", "body", "content"];

/// Fields of a JSON event that this decoder understands; all others are kept
/// verbatim under `extra`.
const KNOWN_FIELDS: [&str; 10] = [
    "id",
    "text",
    "body",
    "content",
    "title",
    "url",
    "source",
    "published_at",
    "language",
    "authors",
];

/// Limits applied while decoding, so that one hostile payload cannot take
/// the worker's memory or time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeLimits {
    /// Payloads larger than this many bytes are rejected before parsing.
    pub max_payload_bytes: usize,
}

impl Default for DecodeLimits {
    fn default() -> Self {
        Self {
            max_payload_bytes: 4 * 1024 * 1024,
        }
    }
}

/// A decoded article event, before enrichment.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RawArticle {
    /// From the JSON `id`, else the message key, else a hash of the body.
    pub id: String,
    /// The body with a leading `date YYYY-MM-DD` prefix removed. Every offset
    /// of the enriched event refers to this string.
    pub text: String,
    /// The date of a removed `date YYYY-MM-DD` prefix.
    pub date_prefix: Option<chrono::NaiveDate>,
    pub title: Option<String>,
    pub url: Option<String>,
    pub source: Option<String>,
    /// `published_at`, validated as an RFC 3339 datetime or a plain date.
    pub published_at: Option<PublishedAt>,
    pub language: Option<String>,
    pub authors: Vec<String>,
    /// Unknown JSON fields, passed through untouched (sorted by key).
    pub extra: Map<String, Value>,
}

/// A publication time as the event gave it: a calendar date or a full
/// datetime with its offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublishedAt {
    Date(chrono::NaiveDate),
    DateTime(chrono::DateTime<chrono::FixedOffset>),
}

impl PublishedAt {
    /// Parses `2023-08-15` or an RFC 3339 datetime such as `2023-08-15T10:00:00Z`.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(s) {
            return Some(Self::DateTime(dt));
        }
        chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()
            .map(Self::Date)
    }

    /// ISO 8601 text: `YYYY-MM-DD`, or an RFC 3339 datetime in the offset given.
    pub fn to_iso8601(&self) -> String {
        match self {
            Self::Date(d) => d.format("%Y-%m-%d").to_string(),
            Self::DateTime(dt) => dt.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        }
    }
}

/// What went wrong with a payload, as a stable snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DecodeErrorKind {
    /// The payload is over [`DecodeLimits::max_payload_bytes`].
    TooLarge,
    /// The payload is not valid UTF-8.
    InvalidUtf8,
    /// The payload starts with `{` but is not valid JSON (or nests too deep).
    InvalidJson,
    /// The payload is JSON but not an object.
    NotAnObject,
    /// No body field, or a body that is empty or only white space.
    MissingBody,
    /// A known field has the wrong type or an unparseable value.
    InvalidField,
}

impl DecodeErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TooLarge => "too_large",
            Self::InvalidUtf8 => "invalid_utf8",
            Self::InvalidJson => "invalid_json",
            Self::NotAnObject => "not_an_object",
            Self::MissingBody => "missing_body",
            Self::InvalidField => "invalid_field",
        }
    }
}

impl std::fmt::Display for DecodeErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A payload that cannot be turned into a [`RawArticle`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}: {message}")]
pub struct DecodeError {
    pub kind: DecodeErrorKind,
    pub message: String,
}

impl DecodeError {
    fn new(kind: DecodeErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }
}

/// Decodes one payload. `key` is the Kafka message key, used as the id when
/// a JSON event has none (plain-text payloads always take it when present).
pub fn decode(
    payload: &[u8],
    key: Option<&[u8]>,
    limits: &DecodeLimits,
) -> Result<RawArticle, DecodeError> {
    if payload.len() > limits.max_payload_bytes {
        return Err(DecodeError::new(
            DecodeErrorKind::TooLarge,
            format!(
                "payload is {} bytes, over the limit of {} bytes (raise enrich.max_payload_bytes to accept it)",
                payload.len(),
                limits.max_payload_bytes
            ),
        ));
    }
    let text = std::str::from_utf8(payload).map_err(|e| {
        DecodeError::new(
            DecodeErrorKind::InvalidUtf8,
            format!(
                "payload is not valid UTF-8: invalid byte sequence at byte {}",
                e.valid_up_to()
            ),
        )
    })?;
    let key = key
        .and_then(|k| std::str::from_utf8(k).ok())
        .filter(|k| !k.trim().is_empty());
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        decode_json(text, key)
    } else if is_json_non_object(trimmed) {
        Err(DecodeError::new(
            DecodeErrorKind::NotAnObject,
            "payload is a JSON value but not an object; send {\"id\": …, \"text\": …} or plain text",
        ))
    } else {
        decode_plain(text, key)
    }
}

/// True when the whole payload is a JSON array, string, number or literal.
/// Only then is it taken for a mistaken event: an article may well start
/// with `"` or `[`, and it stays plain text unless all of it parses as JSON.
fn is_json_non_object(trimmed: &str) -> bool {
    let starts_like_json = trimmed
        .bytes()
        .next()
        .is_some_and(|b| matches!(b, b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n'));
    starts_like_json && serde_json::from_str::<serde::de::IgnoredAny>(trimmed).is_ok()
}

fn decode_plain(text: &str, key: Option<&str>) -> Result<RawArticle, DecodeError> {
    let (date_prefix, body) = split_date_prefix(text);
    if body.trim().is_empty() {
        return Err(DecodeError::new(
            DecodeErrorKind::MissingBody,
            "payload is empty or only white space; send the article text or a JSON event",
        ));
    }
    Ok(RawArticle {
        id: key.map_or_else(|| hash_id(text), str::to_owned),
        text: body.to_owned(),
        date_prefix,
        ..RawArticle::default()
    })
}

fn decode_json(text: &str, key: Option<&str>) -> Result<RawArticle, DecodeError> {
    // serde_json refuses input nested more than 128 levels deep, which bounds
    // the stack a hostile payload can use.
    let value: Value = serde_json::from_str(text).map_err(|e| {
        DecodeError::new(
            DecodeErrorKind::InvalidJson,
            format!("payload starts with '{{' but is not valid JSON: {e}"),
        )
    })?;
    let Value::Object(mut fields) = value else {
        return Err(DecodeError::new(
            DecodeErrorKind::NotAnObject,
            "payload is JSON but not an object; send {\"id\": …, \"text\": …}",
        ));
    };
    let body_value = BODY_FIELDS.iter().find_map(|f| fields.remove(*f));
    let body = match body_value {
        Some(Value::String(s)) => s,
        Some(other) => {
            return Err(DecodeError::new(
                DecodeErrorKind::InvalidField,
                format!(
                    "the body field must be a string, found {}",
                    type_name(&other)
                ),
            ))
        }
        None => {
            return Err(DecodeError::new(
                DecodeErrorKind::MissingBody,
                "missing field \"text\" (also accepted: \"body\", \"content\")",
            ))
        }
    };
    let (date_prefix, stripped) = split_date_prefix(&body);
    if stripped.trim().is_empty() {
        return Err(DecodeError::new(
            DecodeErrorKind::MissingBody,
            "the body field is empty or only white space",
        ));
    }
    let id = match take_string(&mut fields, "id")? {
        Some(id) if !id.trim().is_empty() => id,
        _ => key.map_or_else(|| hash_id(&body), str::to_owned),
    };
    let published_at = match take_string(&mut fields, "published_at")? {
        None => None,
        Some(s) => Some(PublishedAt::parse(&s).ok_or_else(|| {
            DecodeError::new(
                DecodeErrorKind::InvalidField,
                format!("field \"published_at\" is {s:?}, expected an RFC 3339 datetime or YYYY-MM-DD date"),
            )
        })?),
    };
    let authors = take_authors(&mut fields)?;
    let raw = RawArticle {
        id,
        text: stripped.to_owned(),
        date_prefix,
        title: take_string(&mut fields, "title")?,
        url: take_string(&mut fields, "url")?,
        source: take_string(&mut fields, "source")?,
        published_at,
        language: take_string(&mut fields, "language")?,
        authors,
        extra: Map::new(),
    };
    // Whatever is left is not ours: keep it for downstream consumers, minus
    // the body aliases we did not use (they would duplicate the text).
    for f in KNOWN_FIELDS {
        fields.remove(f);
    }
    Ok(RawArticle {
        extra: fields,
        ..raw
    })
}

/// Takes an optional string field; `null` counts as absent.
fn take_string(fields: &mut Map<String, Value>, name: &str) -> Result<Option<String>, DecodeError> {
    match fields.remove(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(DecodeError::new(
            DecodeErrorKind::InvalidField,
            format!(
                "field \"{name}\" must be a string, found {}",
                type_name(&other)
            ),
        )),
    }
}

fn take_authors(fields: &mut Map<String, Value>) -> Result<Vec<String>, DecodeError> {
    let bad = |found: &str| {
        DecodeError::new(
            DecodeErrorKind::InvalidField,
            format!("field \"authors\" must be an array of strings, found {found}"),
        )
    };
    match fields.remove("authors") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .into_iter()
            .map(|v| match v {
                Value::String(s) => Ok(s),
                other => Err(bad(&format!("an array holding {}", type_name(&other)))),
            })
            .collect(),
        Some(other) => Err(bad(type_name(&other))),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Splits a leading ` date YYYY-MM-DD ` prefix (white space around it
/// allowed) from the body. Returns the date and the rest, or `None` and the
/// input unchanged when there is no such prefix.
pub fn split_date_prefix(text: &str) -> (Option<chrono::NaiveDate>, &str) {
    let trimmed = text.trim_start();
    let Some(rest) = trimmed.strip_prefix("date ") else {
        return (None, text);
    };
    let Some(date_str) = rest.get(..10) else {
        return (None, text);
    };
    match chrono::NaiveDate::parse_from_str(date_str, "%Y-%m-%d") {
        Ok(date) => (Some(date), rest[10..].trim_start()),
        Err(_) => (None, text),
    }
}

/// A stable id for an event that has none: the same body always gets the
/// same id, across runs, machines and versions (XXH3-128 is a fixed spec).
pub fn hash_id(body: &str) -> String {
    format!("xxh3-{:032x}", xxh3_128(body.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(payload: &str) -> Result<RawArticle, DecodeError> {
        decode(payload.as_bytes(), None, &DecodeLimits::default())
    }

    fn kind(payload: &[u8]) -> DecodeErrorKind {
        decode(payload, None, &DecodeLimits::default())
            .unwrap_err()
            .kind
    }

    #[test]
    fn plain_text_with_date_prefix() {
        let a = dec(" date 2023-08-15 Ukraine is already increasing.").unwrap();
        assert_eq!(a.text, "Ukraine is already increasing.");
        assert_eq!(a.date_prefix, chrono::NaiveDate::from_ymd_opt(2023, 8, 15));
    }

    #[test]
    fn plain_text_without_prefix_is_kept_verbatim() {
        let a = dec("dated material matters.").unwrap();
        assert_eq!(a.text, "dated material matters.");
        assert_eq!(a.date_prefix, None);
    }

    #[test]
    fn bad_date_in_prefix_is_not_a_prefix() {
        let a = dec("date 2023-13-45 is not a date").unwrap();
        assert_eq!(a.text, "date 2023-13-45 is not a date");
    }

    #[test]
    fn json_event_fields_and_extra() {
        let a = dec(
            r#"{"id":"a1","body":"Hello there.","title":"T","authors":["A","B"],
            "published_at":"2016-09-08","publisher":"nyt","quotes":[]}"#,
        )
        .unwrap();
        assert_eq!(a.id, "a1");
        assert_eq!(a.text, "Hello there.");
        assert_eq!(a.title.as_deref(), Some("T"));
        assert_eq!(a.authors, vec!["A", "B"]);
        assert_eq!(a.published_at.unwrap().to_iso8601(), "2016-09-08");
        assert_eq!(
            a.extra.keys().collect::<Vec<_>>(),
            vec!["publisher", "quotes"]
        );
    }

    #[test]
    fn datetime_is_normalized() {
        let p = PublishedAt::parse("2023-08-15T10:00:00+02:00").unwrap();
        assert_eq!(p.to_iso8601(), "2023-08-15T10:00:00+02:00");
        assert_eq!(
            PublishedAt::parse("2023-08-15T10:00:00.5Z")
                .unwrap()
                .to_iso8601(),
            "2023-08-15T10:00:00.500Z"
        );
    }

    #[test]
    fn id_rules() {
        let limits = DecodeLimits::default();
        let with_key = decode(b"{\"text\":\"x y\"}", Some(b"k1"), &limits).unwrap();
        assert_eq!(with_key.id, "k1");
        let json_id_wins =
            decode(b"{\"id\":\"j\",\"text\":\"x y\"}", Some(b"k1"), &limits).unwrap();
        assert_eq!(json_id_wins.id, "j");
        let plain_key = decode(b"some text", Some(b"k2"), &limits).unwrap();
        assert_eq!(plain_key.id, "k2");
        let a = decode(b"some text", None, &limits).unwrap();
        let b = decode(b"some text", None, &limits).unwrap();
        let c = decode(b"other text", None, &limits).unwrap();
        assert_eq!(a.id, b.id);
        assert_ne!(a.id, c.id);
        assert_eq!(
            a.id,
            "xxh3-".to_owned() + &format!("{:032x}", xxh3_128(b"some text"))
        );
        // The same body gives the same id whether it came as JSON or plain text.
        let j = decode(b"{\"text\":\"some text\"}", None, &limits).unwrap();
        assert_eq!(j.id, a.id);
    }

    #[test]
    fn every_error_kind() {
        let small = DecodeLimits {
            max_payload_bytes: 8,
        };
        assert_eq!(
            decode(b"123456789", None, &small).unwrap_err().kind,
            DecodeErrorKind::TooLarge
        );
        assert_eq!(kind(b"caf\xff"), DecodeErrorKind::InvalidUtf8);
        assert_eq!(
            kind(b"{\"text\": \"unterminated"),
            DecodeErrorKind::InvalidJson
        );
        assert_eq!(kind(b"  { not json"), DecodeErrorKind::InvalidJson);
        assert_eq!(
            kind(b"{\"text\":\"a\"} trailing"),
            DecodeErrorKind::InvalidJson
        );
        assert_eq!(kind(b""), DecodeErrorKind::MissingBody);
        assert_eq!(kind(b"   \n "), DecodeErrorKind::MissingBody);
        assert_eq!(kind(b" date 2023-08-15 "), DecodeErrorKind::MissingBody);
        assert_eq!(kind(b"{\"id\":\"x\"}"), DecodeErrorKind::MissingBody);
        assert_eq!(kind(b"{\"text\":\"  \"}"), DecodeErrorKind::MissingBody);
        assert_eq!(kind(b"{\"text\":5}"), DecodeErrorKind::InvalidField);
        assert_eq!(
            kind(b"{\"text\":\"a\",\"authors\":\"me\"}"),
            DecodeErrorKind::InvalidField
        );
        assert_eq!(
            kind(b"{\"text\":\"a\",\"authors\":[1]}"),
            DecodeErrorKind::InvalidField
        );
        assert_eq!(
            kind(b"{\"text\":\"a\",\"published_at\":\"yesterday\"}"),
            DecodeErrorKind::InvalidField
        );
        assert_eq!(
            kind(b"{\"text\":\"a\",\"id\":7}"),
            DecodeErrorKind::InvalidField
        );
        assert_eq!(kind(b"[1,2]"), DecodeErrorKind::NotAnObject);
        assert_eq!(kind(b" \"just a string\" "), DecodeErrorKind::NotAnObject);
        assert_eq!(kind(b"null"), DecodeErrorKind::NotAnObject);
        assert_eq!(kind(b"42"), DecodeErrorKind::NotAnObject);
        // Text that merely starts like JSON is an article.
        assert_eq!(
            dec("[Photo] A day in Kyiv.").unwrap().text,
            "[Photo] A day in Kyiv."
        );
        assert_eq!(
            dec("\"We will win,\" he said.").unwrap().text,
            "\"We will win,\" he said."
        );
        assert_eq!(
            dec("2016 was a long year.").unwrap().text,
            "2016 was a long year."
        );
    }

    #[test]
    fn missing_body_message_names_the_fields() {
        let e = dec("{\"id\":\"x\"}").unwrap_err();
        assert_eq!(
            e.message,
            "missing field \"text\" (also accepted: \"body\", \"content\")"
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!(
            "{{\"text\":\"a\",\"x\":{}{}}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert_eq!(kind(deep.as_bytes()), DecodeErrorKind::InvalidJson);
    }
}
