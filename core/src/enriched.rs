//! The enriched event: what the worker publishes for every article.
//!
//! These types are the output schema (`schemas/enriched-article.schema.json`
//! describes the same shape for consumers). Every `start`/`end` is a Unicode
//! code point offset into [`EnrichedArticle::text`], `start` inclusive and
//! `end` exclusive, the convention of most NLP corpora and of Python strings.
//!
//! Field order here is the field order on the wire, and nothing in the
//! payload depends on a hash map's iteration order or on the clock, so the
//! same input always serializes to the same bytes.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Bumped on any change a consumer could notice.
pub const SCHEMA_VERSION: u32 = 1;

/// A half-open range of code points in the article text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnrichedArticle {
    pub schema_version: u32,
    pub id: String,
    pub title: Option<String>,
    /// ISO 8601 date or datetime; never invented from the clock.
    pub published: Option<String>,
    pub dateline: Option<Dateline>,
    /// ISO 639-1 code.
    pub language: Option<String>,
    pub url: Option<String>,
    pub source: Option<String>,
    pub authors: Vec<String>,
    pub word_count: usize,
    pub sentence_count: usize,
    pub reading_time_seconds: u32,
    pub paragraphs: Vec<Span>,
    pub boilerplate: Vec<Boilerplate>,
    pub related: Vec<RelatedHeadline>,
    pub entities: Entities,
    pub quotes: Vec<Quote>,
    /// Hash of the normalized body, equal for reposts of the same story.
    pub content_hash: String,
    /// 64-bit SimHash of the body's word shingles, as 16 hex digits; close
    /// Hamming distance means near-duplicate text.
    pub simhash: String,
    /// The article text: the body as received, minus a `date …` prefix.
    pub text: String,
    /// Unknown fields of the raw event, passed through.
    pub extra: Map<String, Value>,
}

impl EnrichedArticle {
    /// The event as JSON: the bytes the worker publishes.
    ///
    /// Written by sonic-rs, whose string escaping reads 16 bytes at a
    /// time where serde_json reads one: the event is mostly strings (the
    /// text, quotes, names), and serializing takes ~27 % less time
    /// (docs/benchmark-record.md). The bytes are serde_json's (the tests
    /// compare them), so events written before and after are the same.
    ///
    /// The buffer is sized from the text for the whole event (the
    /// pipeline bench's PolNeAR articles serialize to 2.3 times their
    /// text). sonic-rs reserves room for each string's worst case, six
    /// bytes a byte, before writing it, so the text still grows the buffer
    /// once; sized for that worst case from the start, serializing ran 7 %
    /// slower in 4 alternating rounds (a larger allocation to fill). The
    /// buffer is then cut back to its content, because the worker holds
    /// each event until the broker acknowledges it (a saturation run
    /// peaked ~25 MiB higher with buffers left at their reservation).
    pub fn to_json(&self) -> Result<Vec<u8>, SerializeError> {
        let mut json = Vec::with_capacity(self.text.len() * 5 / 2 + 2048);
        sonic_rs::to_writer(&mut json, self)?;
        json.shrink_to_fit();
        Ok(json)
    }
}

/// An enriched article that could not be written as JSON.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct SerializeError(#[from] sonic_rs::Error);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dateline {
    pub place: String,
    pub agency: Option<String>,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BoilerplateKind {
    Advertisement,
    Related,
    Promo,
    Caption,
    Credit,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Boilerplate {
    pub kind: BoilerplateKind,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelatedHeadline {
    pub title: String,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Entities {
    pub people: Vec<Person>,
    pub organizations: Vec<Organization>,
    pub places: Vec<Place>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// The canonical (longest) name the text gives, e.g. `Volodymyr Zelenskyy`.
    pub name: String,
    /// Titles the text gives the person, e.g. `Ukrainian President`.
    pub roles: Vec<String>,
    pub mentions: Vec<Span>,
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    pub name: String,
    /// One of a few fixed words (`country`, `city`, `agency`, …): borrowed
    /// from the lexicons, so that each entity costs no allocation for it.
    pub kind: Option<Cow<'static, str>>,
    pub mentions: Vec<Span>,
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub name: String,
    /// One of a few fixed words (`country`, `city`, `agency`, …): borrowed
    /// from the lexicons, so that each entity costs no allocation for it.
    pub kind: Option<Cow<'static, str>>,
    pub mentions: Vec<Span>,
    pub count: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuoteKind {
    /// Words between quotation marks.
    Direct,
    /// Reported speech: `He added that …`.
    Indirect,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    pub kind: QuoteKind,
    /// The quoted words: for a direct quote, its segments joined by a space.
    pub text: String,
    pub start: usize,
    pub end: usize,
    /// The pieces between quotation marks (a quote split by its attribution
    /// has two); one segment equal to the quote's span otherwise.
    pub segments: Vec<Span>,
    pub speaker: Option<Speaker>,
    pub cue: Option<Cue>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Speaker {
    /// The resolved person or organization (`Volodymyr Zelenskyy` for `he`).
    pub name: String,
    /// The mention in the text this quote is attributed to.
    pub start: usize,
    pub end: usize,
    pub role: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cue {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

#[cfg(test)]
mod tests {
    use crate::{enrich, RawArticle};

    #[test]
    fn to_json_is_serde_json_to_vec() {
        for text in [
            "",
            "“We will rebuild,” said Prime Minister Denys Shmyhal in Kyiv.",
            &"A long paragraph of plain words. ".repeat(500),
        ] {
            let article = enrich(RawArticle {
                text: text.into(),
                ..RawArticle::default()
            });
            let json = article.to_json().expect("an enriched article serializes");
            assert_eq!(json, serde_json::to_vec(&article).expect("serializes"));
        }
    }

    /// Passed-through fields are any JSON: numbers at the edges of their
    /// types, every kind of escape, nesting.
    #[test]
    fn to_json_writes_any_passed_through_value_as_serde_json_does() {
        let extra = serde_json::json!({
            "floats": [0.1, 1.5e-7, 1e21, 1e300, -0.0, 2.5, 123456789.125, f64::MIN_POSITIVE, f64::MAX],
            "integers": [0, -1, u64::MAX, i64::MIN, 9007199254740993_u64],
            "strings": ["\u{0}\u{1f}\u{7f}", "\"\\/\n\r\t\u{8}\u{c}", "é 😀 \u{2028}\u{2029}", "", "plain"],
            "nested": {"z": [true, false, null, {"": []}], "a": {}},
            "\u{1}key\"": "value",
        });
        let serde_json::Value::Object(extra) = extra else {
            unreachable!()
        };
        let mut article = enrich(RawArticle {
            text: "Control\u{1}characters \u{1f} and \"quotes\" \\ in the text.\u{7f}".into(),
            ..RawArticle::default()
        });
        article.extra = extra;
        let json = article.to_json().expect("serializes");
        assert_eq!(
            String::from_utf8(json).unwrap(),
            serde_json::to_string(&article).unwrap()
        );
    }
}
