//! Direct and indirect quotations with their speakers.
//!
//! The stages, each a submodule: [`marks`] pairs the quotation marks of
//! the body paragraphs; [`attribution`] finds each quotation's speaker
//! mention and cue with the [`patterns`] built on the small grammar of
//! [`grammar`] and the speech verbs of [`verbs`]; [`indirect`] finds
//! reported speech; [`speakers`] resolves mentions to people. Every stage
//! is linear in the text.

mod attribution;
mod grammar;
mod indirect;
mod marks;
mod patterns;
mod speakers;
mod verbs;

use std::ops::Range;

use crate::enriched::{Cue, Quote, QuoteKind, Span, Speaker};
use crate::{entities, Doc};

use grammar::Paragraphs;
use patterns::Attribution;
use speakers::Resolver;

/// Finds the quotes of the body of `doc`, ordered by start.
pub fn extract(doc: &Doc, found: &entities::Found) -> Vec<Quote> {
    let paras = Paragraphs::new(doc.text, doc.body_tokens());
    // Marks with no word between them (`""`, stray runs of marks) quote
    // nothing; dropping them first keeps hostile input cheap.
    let mut quoted = marks::find(doc.text, &doc.body);
    quoted.retain(|q| doc.text[q.range.clone()].chars().any(is_alphanumeric));
    let resolver = Resolver::new(doc.text, &found.people, &quoted);
    let mut quotes: Vec<Quote> = attribution::attribute(&paras, &quoted)
        .into_iter()
        .filter(|d| {
            keep_direct(
                doc.text,
                &d.segments,
                d.attribution.as_ref().is_some_and(|a| a.cue.is_some()),
            )
        })
        .map(|d| {
            build(
                doc,
                &resolver,
                QuoteKind::Direct,
                d.segments,
                d.attribution.as_ref(),
            )
        })
        .collect();
    for toks in (0..paras.len()).filter_map(|i| paras.get(i)) {
        for r in indirect::find(&toks) {
            quotes.push(build(
                doc,
                &resolver,
                QuoteKind::Indirect,
                vec![r.content],
                Some(&r.attribution),
            ));
        }
    }
    quotes.sort_by_key(|q| (q.start, q.end));
    without_overlaps(quotes)
}

/// `char::is_alphanumeric`, answered at once for the marks, dashes and
/// ellipses at the edges of every quotation, which would otherwise each
/// take the slow Unicode table lookup.
fn is_alphanumeric(c: char) -> bool {
    !matches!(
        c,
        '“' | '”' | '„' | '‟' | '«' | '»' | '＂' | '‘' | '’' | '—' | '–' | '…'
    ) && crate::text::is_alphanumeric(c)
}

/// Quotes never overlap: reported speech found inside a long direct quote
/// (`“… I never went home,” she said` holds `because …`) or nested in
/// another reported clause yields to the quote it lies in. `quotes` is
/// sorted by start.
fn without_overlaps(quotes: Vec<Quote>) -> Vec<Quote> {
    let mut out: Vec<Quote> = Vec::with_capacity(quotes.len());
    for q in quotes {
        if q.kind == QuoteKind::Direct {
            while out
                .last()
                .is_some_and(|l| l.kind == QuoteKind::Indirect && q.start < l.end)
            {
                out.pop();
            }
        }
        if out.last().map_or(true, |l| q.start >= l.end) {
            out.push(q);
        }
    }
    out
}

/// Whether a quotation is speech worth reporting: ones with a speech verb
/// and words in them, and unattributed ones long enough not to be a scare
/// quote or a title (`“Saturday Night Live”`). Reads only as many words as
/// it takes to decide.
fn keep_direct(text: &str, segments: &[Range<usize>], attributed: bool) -> bool {
    let mut words = segments
        .iter()
        .flat_map(|s| text[s.clone()].split_whitespace())
        .filter(|w| w.chars().any(is_alphanumeric));
    if attributed {
        return words.nth(1).is_some();
    }
    // Three words or more, and not all of them title case.
    let mut count = 0;
    let mut plain = false;
    words.any(|w| {
        count += 1;
        plain |= !is_title_case(w);
        count >= 3 && plain
    })
}

/// A word that a title would have: capitalized, without letters, or short.
fn is_title_case(word: &str) -> bool {
    word.chars()
        .find(|c| c.is_alphabetic())
        .map_or(true, char::is_uppercase)
        || word.len() <= 3
}

fn build(
    doc: &Doc,
    resolver: &Resolver,
    kind: QuoteKind,
    segments: Vec<Range<usize>>,
    attribution: Option<&Attribution>,
) -> Quote {
    let mut text = String::with_capacity(segments.iter().map(|s| s.len() + 1).sum());
    for (k, s) in segments.iter().enumerate() {
        if k > 0 {
            text.push(' ');
        }
        text.push_str(&doc.text[s.clone()]);
    }
    // The quote spans from its first segment's start to its last's end.
    let spans: Vec<Span> = segments.iter().map(|s| doc.span(s.clone())).collect();
    let start = spans.first().map_or(0, |s| s.start);
    let end = spans.last().map_or(0, |s| s.end);
    let speaker = attribution.and_then(|a| a.speaker.as_ref()).map(|m| {
        let resolved = resolver.resolve(m);
        let s = doc.span(m.clone());
        Speaker {
            name: resolved.name,
            start: s.start,
            end: s.end,
            role: resolved.role,
        }
    });
    let cue = attribution.and_then(|a| a.cue.clone()).map(|c| {
        let s = doc.span(c.clone());
        Cue {
            text: doc.text[c].to_owned(),
            start: s.start,
            end: s.end,
        }
    });
    Quote {
        kind,
        text,
        start,
        end,
        segments: spans,
        speaker,
        cue,
    }
}
