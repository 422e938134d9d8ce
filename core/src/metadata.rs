//! Article metadata: publication date, title, dateline, language, counts
//! and content hashes.
//!
//! The headline found at the top of the text (see [`title`]) is metadata,
//! not body: counts and hashes leave it out whether or not the event also
//! gives a `title`, so the same story hashes the same either way.

mod dateline;
mod dates;
mod language;
mod title;

use xxhash_rust::xxh3::{xxh3_128, xxh3_64};

pub use dateline::DatelineFound;
pub use title::Headline;

use crate::enriched::Dateline;
use crate::event::RawArticle;
use crate::{text, Doc};

/// Reading speed used for `reading_time_seconds`: 230 words per minute, the
/// middle of the 200–260 range reported for adults reading news prose.
pub const WORDS_PER_MINUTE: usize = 230;

#[derive(Debug, Default, PartialEq)]
pub struct Metadata {
    pub title: Option<String>,
    pub published: Option<String>,
    pub dateline: Option<Dateline>,
    pub language: Option<String>,
    pub word_count: usize,
    pub sentence_count: usize,
    pub reading_time_seconds: u32,
    pub content_hash: String,
    pub simhash: String,
}

pub fn extract(raw: &RawArticle, doc: &Doc) -> Metadata {
    let headline = title::find(doc);
    let skip = headline.as_ref().map_or(0, |h| h.paragraphs);
    let body: Vec<_> = doc
        .body
        .iter()
        .filter(|p| !doc.paragraphs[..skip].contains(p))
        .cloned()
        .collect();
    let lede = body.first().cloned();
    let found_dateline = lede.clone().and_then(|p| dateline::parse(doc.text, p));
    let body_text: Vec<&str> = body.iter().map(|p| &doc.text[p.clone()]).collect();
    let word_count = body_text.iter().map(|p| text::word_count(p)).sum();
    let sentence_count = body
        .iter()
        .map(|p| text::sentences(doc.text, p.clone()).len())
        .sum();
    Metadata {
        title: raw.title.clone().or(headline.map(|h| h.title)),
        published: published(raw, found_dateline.as_ref(), lede.map(|p| &doc.text[p])),
        dateline: found_dateline.map(|d| to_output(doc, d)),
        language: language::of(raw.language.as_deref(), doc),
        word_count,
        sentence_count,
        reading_time_seconds: reading_time_seconds(word_count),
        content_hash: content_hash(&body_text),
        simhash: format!("{:016x}", simhash(&body_text)),
    }
}

/// The first dateline of the body (after the headline), for other stages.
pub fn dateline_of(doc: &Doc) -> Option<DatelineFound> {
    let skip = title::find(doc).map_or(0, |h| h.paragraphs);
    let lede = doc
        .body
        .iter()
        .find(|p| !doc.paragraphs[..skip].contains(p))?;
    dateline::parse(doc.text, lede.clone())
}

fn to_output(doc: &Doc, d: DatelineFound) -> Dateline {
    let span = doc.span(d.range);
    Dateline {
        place: d.place,
        agency: d.agency,
        start: span.start,
        end: span.end,
    }
}

/// The event's `published_at`, else the `date YYYY-MM-DD` prefix, else a
/// full date in the dateline, else the first full date written in the
/// first body paragraph. Never the clock.
fn published(
    raw: &RawArticle,
    found: Option<&DatelineFound>,
    lede: Option<&str>,
) -> Option<String> {
    if let Some(p) = &raw.published_at {
        return Some(p.to_iso8601());
    }
    raw.date_prefix
        .or_else(|| found.and_then(|d| d.date))
        .or_else(|| lede.and_then(dates::first_full_date))
        .map(|d| d.format("%Y-%m-%d").to_string())
}

pub fn reading_time_seconds(words: usize) -> u32 {
    u32::try_from((words * 60).div_ceil(WORDS_PER_MINUTE)).unwrap_or(u32::MAX)
}

/// Hash of the body with case, punctuation and white space folded away, so
/// that a wire story reposted with other line breaks or curly quotes hashes
/// the same.
pub fn content_hash(paragraphs: &[&str]) -> String {
    let mut normalized = String::new();
    for word in paragraphs.iter().flat_map(|p| p.split_whitespace()) {
        let before = normalized.len();
        normalized.extend(
            word.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase),
        );
        if normalized.len() > before {
            normalized.push(' ');
        }
    }
    format!("xxh3-{:032x}", xxh3_128(normalized.as_bytes()))
}

/// 64-bit SimHash over word trigrams (Charikar 2002): near-duplicate texts
/// differ in few bits.
pub fn simhash(paragraphs: &[&str]) -> u64 {
    let words: Vec<String> = paragraphs
        .iter()
        .flat_map(|p| p.split_whitespace())
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let mut weights = [0i64; 64];
    for shingle in words.windows(3.min(words.len().max(1))) {
        let h = xxh3_64(shingle.join(" ").as_bytes());
        for (bit, w) in weights.iter_mut().enumerate() {
            *w += if h >> bit & 1 == 1 { 1 } else { -1 };
        }
    }
    weights
        .iter()
        .enumerate()
        .filter(|(_, w)| **w > 0)
        .fold(0u64, |acc, (bit, _)| acc | 1 << bit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_time_rounds_up() {
        assert_eq!(reading_time_seconds(0), 0);
        assert_eq!(reading_time_seconds(230), 60);
        assert_eq!(reading_time_seconds(231), 61);
    }

    #[test]
    fn content_hash_ignores_layout_and_punctuation() {
        assert_eq!(
            content_hash(&["“Hello,” World"]),
            content_hash(&["\"hello\"", "world"])
        );
        assert_ne!(
            content_hash(&["hello world"]),
            content_hash(&["hello there"])
        );
    }

    #[test]
    fn simhash_near_duplicates_are_close() {
        let a = "the quick brown fox jumps over the lazy dog near the river bank today";
        let b = "the quick brown fox jumps over the lazy dog near the river bank tonight";
        let c = "completely different words about parliament budget votes in another country";
        let d = |x: u64, y: u64| (x ^ y).count_ones();
        assert!(d(simhash(&[a]), simhash(&[b])) < d(simhash(&[a]), simhash(&[c])));
    }
}
