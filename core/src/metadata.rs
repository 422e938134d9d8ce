//! Article metadata: publication date, title, dateline, language, counts
//! and content hashes.
//!
//! The headline found at the top of the text (see [`title`]) is metadata,
//! not body: counts and hashes leave it out whether or not the event also
//! gives a `title`, so the same story hashes the same either way.

mod dateline;
mod dates;
mod fingerprint;
mod language;
mod title;

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
    let print = fingerprint::of(&body_text);
    let sentence_count = body
        .iter()
        .map(|p| text::sentences(doc.text, p.clone()).len())
        .sum();
    Metadata {
        title: raw.title.clone().or(headline.map(|h| h.title)),
        published: published(raw, found_dateline.as_ref(), lede.map(|p| &doc.text[p])),
        dateline: found_dateline.map(|d| to_output(doc, d)),
        language: language::of(raw.language.as_deref(), doc),
        word_count: print.words,
        sentence_count,
        reading_time_seconds: reading_time_seconds(print.words),
        content_hash: print.content_hash,
        simhash: format!("{:016x}", print.simhash),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_time_rounds_up() {
        assert_eq!(reading_time_seconds(0), 0);
        assert_eq!(reading_time_seconds(230), 60);
        assert_eq!(reading_time_seconds(231), 61);
    }
}
