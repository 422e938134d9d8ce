//! Boilerplate: lines of a page that are not article body.
//!
//! Crawlers leave ad placeholders (`Advertisement`), lists of related
//! stories after `Read more:`, newsletter promos and photo credits in the
//! text. They are kept in `text` (offsets must stay true to what was
//! received) but marked, so that quotes and entities ignore them and
//! consumers can strip them.

use std::ops::Range;

use crate::enriched::{Boilerplate as BoilerplateSpan, BoilerplateKind, RelatedHeadline};
use crate::Doc;

/// What [`detect`] found, in byte ranges.
#[derive(Debug, Default)]
pub struct Found {
    /// Marked spans, in text order.
    pub spans: Vec<(BoilerplateKind, Range<usize>)>,
    /// Headlines listed in related-story blocks, in text order.
    pub related: Vec<Range<usize>>,
}

impl Found {
    pub fn ranges(&self) -> Vec<Range<usize>> {
        self.spans.iter().map(|(_, r)| r.clone()).collect()
    }

    pub fn spans(&self, doc: &Doc) -> Vec<BoilerplateSpan> {
        self.spans
            .iter()
            .map(|(kind, r)| {
                let s = doc.span(r.clone());
                BoilerplateSpan {
                    kind: *kind,
                    start: s.start,
                    end: s.end,
                }
            })
            .collect()
    }

    pub fn related(&self, doc: &Doc) -> Vec<RelatedHeadline> {
        self.related
            .iter()
            .map(|r| {
                let s = doc.span(r.clone());
                RelatedHeadline {
                    title: doc.text[r.clone()].to_owned(),
                    start: s.start,
                    end: s.end,
                }
            })
            .collect()
    }
}

/// Lines that are an ad placeholder on their own.
const ADVERTISEMENT_LINES: &[&str] = &[
    "advertisement",
    "story continues below advertisement",
    "article continues below advertisement",
    "continue reading below",
];

/// Lines that open a block of related headlines.
const RELATED_HEADERS: &[&str] = &["read more:", "related:", "see also:", "read also:", "more:"];

/// Marks boilerplate paragraphs.
pub fn detect(doc: &Doc) -> Found {
    let mut found = Found::default();
    let paras = &doc.paragraphs;
    let mut i = 0;
    while i < paras.len() {
        let line = doc.text[paras[i].clone()].trim();
        let lower = line.to_lowercase();
        if ADVERTISEMENT_LINES.contains(&lower.as_str()) {
            found
                .spans
                .push((BoilerplateKind::Advertisement, paras[i].clone()));
        } else if RELATED_HEADERS.contains(&lower.as_str()) {
            let end = related_block_end(doc, i + 1);
            found.related.extend(paras[i + 1..end].iter().cloned());
            let last = paras[end - 1].end;
            found
                .spans
                .push((BoilerplateKind::Related, paras[i].start..last));
            i = end;
            continue;
        }
        i += 1;
    }
    found
}

/// The index after the last headline of a related block starting at
/// paragraph `first`: headlines are short lines that do not end like a
/// sentence of prose.
fn related_block_end(doc: &Doc, first: usize) -> usize {
    let mut end = first;
    while let Some(p) = doc.paragraphs.get(end) {
        if !looks_like_headline(&doc.text[p.clone()]) {
            break;
        }
        end += 1;
    }
    end.max(first)
}

fn looks_like_headline(line: &str) -> bool {
    let words = line.split_whitespace().count();
    (2..=25).contains(&words) && !line.ends_with('.')
}
