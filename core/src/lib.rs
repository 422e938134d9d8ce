//! The enrichment core of article-enricher: text in, enriched article out.
//!
//! Nothing in this crate does I/O, reads the clock or depends on hash-map
//! order, so [`enrich`] is a pure function: the same [`RawArticle`] always
//! gives the same [`EnrichedArticle`], byte for byte once serialized. The
//! Kafka worker in the `article-enricher` crate is a thin shell around it.
//!
//! The stages, in order (each is a module, and each is public so that the
//! benchmarks can time it alone):
//!
//! 1. [`event`] decodes a payload into a [`RawArticle`];
//! 2. [`text`] splits the text into paragraphs and sentences;
//! 3. [`boilerplate`] marks what is not article body (ads, `Read more:`);
//! 4. [`metadata`] finds date, title, dateline, language, counts, hashes;
//! 5. [`entities`] finds people (with roles), organizations and places;
//! 6. [`quotes`] finds direct and indirect quotes and their speakers.

pub mod boilerplate;
pub mod enriched;
pub mod entities;
pub mod event;
pub mod gazetteer;
pub mod metadata;
pub mod people;
pub mod quotes;
mod swar;
pub mod text;
mod trie;
pub mod words;

use std::cell::OnceCell;
use std::ops::Range;

pub use enriched::{EnrichedArticle, SCHEMA_VERSION};
pub use event::{decode, DecodeError, DecodeErrorKind, DecodeLimits, RawArticle};

/// An article under enrichment: its text, the offset converter, and its
/// paragraphs split into body and boilerplate. Extractors work on byte
/// ranges of `text` and convert with [`Doc::span`] when they emit output.
pub struct Doc<'a> {
    pub text: &'a str,
    pub offsets: text::CharOffsets,
    /// Every paragraph, in order.
    pub paragraphs: Vec<Range<usize>>,
    /// The paragraphs that are article body: quotes and entities are looked
    /// for only here.
    pub body: Vec<Range<usize>>,
    /// The tokens of each body paragraph, made on first use: people,
    /// organization names and quotes all walk them, and tokenizing is a
    /// good part of the core's work.
    body_tokens: OnceCell<text::ParagraphTokens>,
    /// Headline, body after it and dateline, found on first use: metadata
    /// and entities both need the dateline.
    lead: OnceCell<metadata::Lead>,
}

impl<'a> Doc<'a> {
    /// Splits `text` into paragraphs; every paragraph counts as body until
    /// [`Doc::remove_boilerplate`] is told otherwise.
    pub fn new(text: &'a str) -> Self {
        let paragraphs = text::paragraphs(text);
        Self {
            text,
            offsets: text::CharOffsets::new(text),
            body: paragraphs.clone(),
            paragraphs,
            body_tokens: OnceCell::new(),
            lead: OnceCell::new(),
        }
    }

    /// The tokens of each paragraph of [`Doc::body`], in the same order.
    pub fn body_tokens(&self) -> &text::ParagraphTokens {
        self.body_tokens
            .get_or_init(|| text::ParagraphTokens::new(self.text, &self.body))
    }

    /// Drops from the body every paragraph that lies inside one of `spans`.
    pub fn remove_boilerplate(&mut self, spans: &[Range<usize>]) {
        self.body
            .retain(|p| !spans.iter().any(|s| s.start <= p.start && p.end <= s.end));
        self.body_tokens = OnceCell::new();
        self.lead = OnceCell::new();
    }

    /// The headline, the body after it and the dateline (see
    /// [`metadata::Lead`]).
    pub fn lead(&self) -> &metadata::Lead {
        self.lead.get_or_init(|| metadata::Lead::find(self))
    }

    /// The code point span of a byte range.
    pub fn span(&self, bytes: Range<usize>) -> enriched::Span {
        enriched::Span {
            start: self.offsets.to_char(bytes.start),
            end: self.offsets.to_char(bytes.end),
        }
    }
}

/// Enriches one article. Pure and deterministic; never panics on any text.
///
/// Takes the article by value: its text and the fields passed through
/// untouched move into the enriched event rather than being copied (an
/// event's unknown fields can be as large as its text).
pub fn enrich(raw: RawArticle) -> EnrichedArticle {
    let _span = tracing::debug_span!("enrich", id = %raw.id).entered();
    let mut doc = Doc::new(&raw.text);
    let boilerplate = tracing::debug_span!("boilerplate").in_scope(|| boilerplate::detect(&doc));
    doc.remove_boilerplate(&boilerplate.ranges());
    let meta = tracing::debug_span!("metadata").in_scope(|| metadata::extract(&raw, &doc));
    let found = tracing::debug_span!("entities").in_scope(|| entities::extract(&doc));
    let quotes = tracing::debug_span!("quotes").in_scope(|| quotes::extract(&doc, &found));
    let paragraphs = doc.paragraphs.iter().map(|p| doc.span(p.clone())).collect();
    let boilerplate_spans = boilerplate.spans(&doc);
    let related = boilerplate.related(&doc);
    let entities = found.into_output(&doc);
    EnrichedArticle {
        schema_version: SCHEMA_VERSION,
        id: raw.id,
        title: meta.title,
        published: meta.published,
        dateline: meta.dateline,
        language: meta.language,
        url: raw.url,
        source: raw.source,
        authors: raw.authors,
        word_count: meta.word_count,
        sentence_count: meta.sentence_count,
        reading_time_seconds: meta.reading_time_seconds,
        paragraphs,
        boilerplate: boilerplate_spans,
        related,
        entities,
        quotes,
        content_hash: meta.content_hash,
        simhash: meta.simhash,
        text: raw.text,
        extra: raw.extra,
    }
}
