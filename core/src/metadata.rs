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

use std::ops::Range;

pub use dateline::DatelineFound;
use title::Headline;

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
    let lead = doc.lead();
    let body = &lead.body;
    let lede = body.first().cloned();
    let body_text: Vec<&str> = body.iter().map(|p| &doc.text[p.clone()]).collect();
    let print = fingerprint::of(&body_text);
    let sentence_count = body
        .iter()
        .map(|p| text::sentence_count(doc.text, p.clone()))
        .sum();
    Metadata {
        title: raw
            .title
            .clone()
            .or_else(|| lead.headline.as_ref().map(|h| h.title.clone())),
        published: published(raw, lead.dateline.as_ref(), lede.map(|p| &doc.text[p])),
        dateline: lead.dateline.clone().map(|d| to_output(doc, d)),
        language: language::of(raw.language.as_deref(), doc),
        word_count: print.words,
        sentence_count,
        reading_time_seconds: reading_time_seconds(print.words),
        content_hash: print.content_hash,
        simhash: format!("{:016x}", print.simhash),
    }
}

/// The dateline of the body (after the headline), for other stages.
pub fn dateline_of(doc: &Doc) -> Option<DatelineFound> {
    doc.lead().dateline.clone()
}

/// The top of the text: the headline, if the text opens with one, the
/// body paragraphs after it, and the dateline opening those. [`Doc::lead`]
/// finds it once: metadata and entities both need the dateline.
#[derive(Debug)]
pub struct Lead {
    headline: Option<Headline>,
    body: Vec<Range<usize>>,
    dateline: Option<DatelineFound>,
}

impl Lead {
    pub(crate) fn find(doc: &Doc) -> Self {
        let headline = title::find(doc);
        let body = body_after(doc, headline.as_ref());
        let dateline = find_dateline(doc, &body);
        Self {
            headline,
            body,
            dateline,
        }
    }
}

/// Bylines and kickers may come before the dateline.
const MAX_PARAGRAPHS_BEFORE_DATELINE: usize = 2;
/// A paragraph this long is the story itself: no dateline after it.
const MAX_WORDS_BEFORE_DATELINE: usize = 15;

/// The dateline opening the story: the first paragraph of `body`, or one
/// after a few short ones (`By Jane Doe`).
fn find_dateline(doc: &Doc, body: &[Range<usize>]) -> Option<DatelineFound> {
    for p in body.iter().take(MAX_PARAGRAPHS_BEFORE_DATELINE + 1) {
        if let Some(found) = dateline::parse(doc.text, p.clone()) {
            return Some(found);
        }
        if text::has_more_words_than(&doc.text[p.clone()], MAX_WORDS_BEFORE_DATELINE) {
            return None;
        }
    }
    None
}

/// The body paragraphs without the headline's.
fn body_after(doc: &Doc, headline: Option<&Headline>) -> Vec<Range<usize>> {
    let skip = headline.map_or(0, |h| h.paragraphs);
    let headline_paragraphs = &doc.paragraphs[..skip.min(doc.paragraphs.len())];
    let mut body = Vec::with_capacity(doc.body.len());
    body.extend(
        doc.body
            .iter()
            .filter(|p| !headline_paragraphs.contains(p))
            .cloned(),
    );
    body
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
/// full date in the dateline, else a publication date the first body
/// paragraph states (see [`dates::publication_date`]). Never the clock.
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
        .or_else(|| lede.and_then(dates::publication_date))
        .map(|d| d.format("%Y-%m-%d").to_string())
}

pub fn reading_time_seconds(words: usize) -> u32 {
    u32::try_from((words * 60).div_ceil(WORDS_PER_MINUTE)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(raw: RawArticle) -> Metadata {
        extract(&raw, &Doc::new(&raw.text))
    }

    fn article(text: &str) -> RawArticle {
        RawArticle {
            text: text.into(),
            ..RawArticle::default()
        }
    }

    #[test]
    fn published_prefers_the_event_then_prefix_then_dateline_then_lede() {
        let text = "BERLIN, May 2, 2021 (AP) — On June 1, 2020, it rained.";
        assert_eq!(meta(article(text)).published.as_deref(), Some("2021-05-02"));
        let lede = "Posted June 1, 2020 — Voters met, officials said.\n\nLater on July 4, 2020.";
        assert_eq!(meta(article(lede)).published.as_deref(), Some("2020-06-01"));
        let event = "Voters met on June 1, 2020, in the hall, officials said.\n\nMore.";
        assert_eq!(meta(article(event)).published, None);
        let mut with_prefix = article(text);
        with_prefix.date_prefix = chrono::NaiveDate::from_ymd_opt(2023, 8, 15);
        assert_eq!(
            meta(with_prefix.clone()).published.as_deref(),
            Some("2023-08-15")
        );
        with_prefix.published_at = crate::event::PublishedAt::parse("2024-01-02T03:04:05Z");
        assert_eq!(
            meta(with_prefix).published.as_deref(),
            Some("2024-01-02T03:04:05Z")
        );
        assert_eq!(meta(article("No date here at all.")).published, None);
    }

    #[test]
    fn dateline_after_a_byline_but_not_after_the_story() {
        let byline = meta(article("By Jane Doe\n\nPARIS (AFP) — Rain fell."));
        assert_eq!(byline.dateline.map(|d| d.place).as_deref(), Some("PARIS"));
        let late = "Rain fell on the city for the third day in a row, and the river rose \
                    past the old quay.\n\nPARIS (AFP) — More rain.";
        assert_eq!(meta(article(late)).dateline, None);
    }

    #[test]
    fn headline_is_not_counted_as_body() {
        let m = meta(article(
            "Council backs budget\n\nThe council voted. It passed.",
        ));
        assert_eq!(m.title.as_deref(), Some("Council backs budget"));
        assert_eq!((m.word_count, m.sentence_count), (5, 2));
        let given = RawArticle {
            title: Some("From the event".into()),
            ..article("Council backs budget\n\nThe council voted. It passed.")
        };
        let g = meta(given);
        assert_eq!(g.title.as_deref(), Some("From the event"));
        assert_eq!(g.content_hash, m.content_hash);
    }

    #[test]
    fn reading_time_rounds_up() {
        assert_eq!(reading_time_seconds(0), 0);
        assert_eq!(reading_time_seconds(230), 60);
        assert_eq!(reading_time_seconds(231), 61);
    }
}
