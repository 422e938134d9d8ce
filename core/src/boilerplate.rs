//! Boilerplate: lines of a page that are not article body.
//!
//! Crawlers leave ad placeholders (`Advertisement`), lists of related
//! stories after `Read more:`, newsletter promos and photo credits in the
//! text. They are kept in `text` (offsets must stay true to what was
//! received) but marked, so that quotes and entities ignore them and
//! consumers can strip them.

use std::ops::Range;
use std::sync::LazyLock;

use crate::enriched::{Boilerplate as BoilerplateSpan, BoilerplateKind, RelatedHeadline};
use crate::swar::{ascii_range_bits, count_marked, HIGH_BITS};
use crate::text::is_alphanumeric;
use crate::trie::Trie;
use crate::{text, Doc};

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

/// Lines that are an ad placeholder on their own (compared after
/// [`normalize`]).
const ADVERTISEMENT_LINES: &[&str] = &[
    "ad",
    "advertisement",
    "advertisements",
    "article continues below advertisement",
    "continue reading below",
    "continue reading the main story",
    "skip advertisement",
    "sponsored content",
    "story continues below",
    "story continues below advertisement",
];

/// Headers of a block (or a line) of related headlines, after
/// [`normalize`]. `more` and `related` alone are also common words, so
/// they count only when written with their colon.
const RELATED_HEADERS: &[&str] = &[
    "also read",
    "more",
    "more on this story",
    "more stories",
    "most read",
    "read also",
    "read more",
    "recommended",
    "recommended stories",
    "related",
    "related articles",
    "related content",
    "related coverage",
    "related news",
    "related stories",
    "see also",
    "top stories",
    "you may also like",
];
const HEADERS_NEEDING_COLON: &[&str] = &["more", "related", "recommended"];

/// Lines that credit a photo or the story alone: `(Reuters)`, `Getty`.
const CREDIT_LINES: &[&str] = &[
    "afp",
    "afp via getty images",
    "ap",
    "ap photo",
    "epa",
    "getty",
    "getty images",
    "reuters",
    "shutterstock",
];
/// Openings of credit lines (`Photo by …`, `Reporting by …`).
const CREDIT_OPENINGS: &[&str] = &[
    "additional reporting by ",
    "(c) ",
    "compiled by ",
    "copyright ",
    "credit:",
    "editing by ",
    "image by ",
    "image credit",
    "photo by ",
    "photo courtesy",
    "photo credit",
    "photograph by ",
    "reporting by ",
    "writing by ",
    "©",
];
/// Openings of photo captions (`FILE - In this …` is AP's).
const CAPTION_OPENINGS: &[&str] = &[
    "caption:",
    "file - ",
    "file – ",
    "file photo:",
    "file photo -",
    "image:",
    "photo:",
    "photos:",
    "pictured:",
];
/// Openings of calls to action.
const PROMO_OPENINGS: &[&str] = &[
    "click here",
    "download our ",
    "download the ",
    "follow @",
    "follow us ",
    "get the app",
    "join us on ",
    "like us on ",
    "share this",
    "sign up ",
    "subscribe for ",
    "subscribe to ",
];

/// Credit, caption and promo lines are short: a longer paragraph is prose
/// even if it opens the same way, and prose must stay in the body.
const MAX_MARKER_WORDS: usize = 40;
const MAX_CAPTION_WORDS: usize = 80;
/// Related headlines are single short lines.
const MAX_HEADLINE_WORDS: usize = 25;
const MAX_HEADLINE_BYTES: usize = 300;
/// No rule marks a line longer than this (80 words of captions at most),
/// so longer paragraphs skip the rules without being lowercased.
const MAX_LINE_BYTES: usize = 800;
/// The longest related header (`“More on this story”` with quotes).
const MAX_HEADER_BYTES: usize = 40;

/// Marks boilerplate paragraphs. Each rule looks at one line (a related
/// block also at the lines after its header), so the pass is linear.
pub fn detect(doc: &Doc) -> Found {
    let mut found = Found::default();
    let paras = &doc.paragraphs;
    let mut i = 0;
    while i < paras.len() {
        let text = &doc.text[paras[i].clone()];
        if !could_be_boilerplate(text) {
            i += 1;
            continue;
        }
        let line = Line::new(text);
        if let Some(inline) = related_header(&line) {
            i = mark_related(doc, i, inline, &mut found);
            continue;
        }
        if let Some(kind) = classify_line(&line) {
            found.spans.push((kind, paras[i].clone()));
        }
        i += 1;
    }
    found
}

/// Marks the related block whose header is paragraph `header` and returns
/// the index of the first paragraph after it. `inline` is the headline
/// written on the header line itself (`Read more: Title`), as a range
/// relative to that line.
fn mark_related(
    doc: &Doc,
    header: usize,
    inline: Option<Range<usize>>,
    found: &mut Found,
) -> usize {
    let paras = &doc.paragraphs;
    let start = paras[header].start;
    if let Some(r) = inline {
        found.related.push(start + r.start..start + r.end);
        found
            .spans
            .push((BoilerplateKind::Related, paras[header].clone()));
        return header + 1;
    }
    let end = related_block_end(doc, header + 1);
    found.related.extend(paras[header + 1..end].iter().cloned());
    found
        .spans
        .push((BoilerplateKind::Related, start..paras[end - 1].end));
    end
}

/// A cheap test that every line a rule marks passes, so that the common
/// case, a paragraph of prose, is dismissed without lowercasing it: short
/// lines, lines that open like a marker or a related header, and lines that
/// end like a caption or a contribution note.
fn could_be_boilerplate(text: &str) -> bool {
    let t = text.trim();
    if t.len() > MAX_LINE_BYTES {
        return false;
    }
    if has_fewer_words(t, 7) {
        return true;
    }
    t.ends_with(')')
        || opens_like_boilerplate(t)
        || t.trim_end_matches(|c: char| !is_alphanumeric(c))
            .ends_with("this report")
        || (t.len() <= 200 && mentions_the_page(t))
}

/// Whether `t` has fewer than `n` words as [`str::split_whitespace`] cuts
/// them. Runs of eight ASCII bytes are read at once (a word starts at a
/// byte that is not white space after one that is); elsewhere a byte at a
/// time, decoding only the first byte of a non-ASCII character, whose
/// other bytes go with it.
fn has_fewer_words(t: &str, n: usize) -> bool {
    let bytes = t.as_bytes();
    let (mut words, mut in_word, mut i) = (0, false, 0);
    while i < bytes.len() {
        let block = bytes.get(i..).and_then(<[u8]>::first_chunk::<8>);
        if let Some(block) = block.filter(|b| b.is_ascii()) {
            let word = u64::from_le_bytes(*block);
            let space = ascii_range_bits(word, b'\t'..=b'\r') | ascii_range_bits(word, b' '..=b' ');
            let solid = !space & HIGH_BITS;
            let after_solid = solid << 8 | u64::from(in_word) << 7;
            words += count_marked(solid & !after_solid);
            in_word = solid >> 63 == 1;
            i += 8;
        } else {
            let space = match bytes[i] {
                b' ' | b'\t'..=b'\r' => true,
                0..=0x7F => false,
                0x80..=0xBF => !in_word,
                _ => t[i..].chars().next().is_some_and(char::is_whitespace),
            };
            words += usize::from(!space && !in_word);
            in_word = !space;
            i += 1;
        }
        if words >= n {
            return false;
        }
    }
    true
}

/// The characters of a line's opening that [`could_be_boilerplate`]
/// compares: more than the longest opening it looks for.
const HEAD_CHARS: usize = 40;

/// What a line's head may open with: a credit or a caption.
static HEAD_OPENINGS: LazyLock<Trie> =
    LazyLock::new(|| Trie::new(&[CREDIT_OPENINGS, CAPTION_OPENINGS].concat()));
/// What a line's head may open with after leading punctuation: a call to
/// action or a related header.
static BARE_HEAD_OPENINGS: LazyLock<Trie> =
    LazyLock::new(|| Trie::new(&[PROMO_OPENINGS, RELATED_HEADERS, &["follow "]].concat()));

/// Whether `t` opens like a marker or a related header, judged on its
/// first [`HEAD_CHARS`] characters lowercased: walks of the openings'
/// tries that lowercase a character only when they reach it, and most
/// end at the first. (Lowercasing character by character differs from
/// [`str::to_lowercase`] only for a capital sigma, which no opening holds
/// in either lowercase form, so a walk stops there all the same.)
fn opens_like_boilerplate(t: &str) -> bool {
    let lower = t.chars().take(HEAD_CHARS).flat_map(char::to_lowercase);
    HEAD_OPENINGS.starts_any(lower.clone())
        || BARE_HEAD_OPENINGS.starts_any(lower.skip_while(|&c| !is_alphanumeric(c)))
}

/// `the page` or `our page` (`Like our page`), looked for only where the
/// rarer `page` is.
fn mentions_the_page(t: &str) -> bool {
    t.contains("page") && (t.contains("the page") || t.contains("our page"))
}

/// A short line, lowercased and normalized once for all the rules.
struct Line<'a> {
    text: &'a str,
    /// Trimmed and lowercased.
    lower: String,
    /// [`normalize`]d.
    norm: String,
    words: usize,
}

impl<'a> Line<'a> {
    fn new(text: &'a str) -> Self {
        let lower = text.trim().to_lowercase();
        let norm = normalize(&lower);
        let words = norm.split(' ').count();
        Self {
            text,
            lower,
            norm,
            words,
        }
    }
}

/// Appends each character of `s` lowercased on its own: runs of ASCII
/// are copied and lowercased in place, the rest go through the Unicode
/// tables.
fn push_lowercase_chars(mut s: &str, out: &mut String) {
    while !s.is_empty() {
        let ascii = s.bytes().position(|b| !b.is_ascii()).unwrap_or(s.len());
        let start = out.len();
        out.push_str(&s[..ascii]);
        out[start..].make_ascii_lowercase();
        let mut rest = s[ascii..].chars();
        if let Some(c) = rest.next() {
            out.extend(c.to_lowercase());
        }
        s = rest.as_str();
    }
}

/// Lowercase, white space collapsed, and anything but letters and digits
/// trimmed from both ends: `“Related:”` → `related`.
fn normalize(line: &str) -> String {
    let trimmed = line.trim_matches(|c: char| !is_alphanumeric(c));
    let mut out = String::with_capacity(trimmed.len());
    for (i, word) in trimmed.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        push_lowercase_chars(word, &mut out);
    }
    out
}

/// If `line` opens a related block: `Some(None)` for a header alone,
/// `Some(Some(range))` for a header followed by one headline on the same
/// line (`Read more: Title`, the range being the title's).
fn related_header(line: &Line) -> Option<Option<Range<usize>>> {
    let has_colon = line.text.contains(':');
    let known = |h: &str| {
        RELATED_HEADERS.contains(&h) && (has_colon || !HEADERS_NEEDING_COLON.contains(&h))
    };
    if known(&line.norm) {
        return Some(None);
    }
    let line = line.text;
    let colon = line.find(':').filter(|&c| c <= MAX_HEADER_BYTES)?;
    if !known(&normalize(&line[..colon])) {
        return None;
    }
    let rest = text::trim_range(line, colon + 1..line.len());
    looks_like_related_headline(&line[rest.clone()]).then_some(Some(rest))
}

/// The index after the last headline of a related block starting at
/// paragraph `first`.
fn related_block_end(doc: &Doc, first: usize) -> usize {
    let mut end = first;
    while let Some(p) = doc.paragraphs.get(end) {
        if !looks_like_related_headline(&doc.text[p.clone()]) {
            break;
        }
        end += 1;
    }
    end
}

/// A related headline: one short line that does not read like a sentence
/// of prose (no final period, unless in Headline Case as some crawlers
/// add one).
fn looks_like_related_headline(line: &str) -> bool {
    let words = line.split_whitespace().count();
    (2..=MAX_HEADLINE_WORDS).contains(&words)
        && line.len() <= MAX_HEADLINE_BYTES
        && (!line.ends_with('.') || text::is_headline_case(line))
}

/// The kind of a single boilerplate line, if it is one.
fn classify_line(line: &Line) -> Option<BoilerplateKind> {
    let (norm, words) = (line.norm.as_str(), line.words);
    if ADVERTISEMENT_LINES.contains(&norm) {
        Some(BoilerplateKind::Advertisement)
    } else if words <= MAX_MARKER_WORDS && is_credit(&line.lower, norm) {
        Some(BoilerplateKind::Credit)
    } else if words <= MAX_CAPTION_WORDS && is_caption(&line.lower) {
        Some(BoilerplateKind::Caption)
    } else if words <= MAX_MARKER_WORDS && is_promo(norm) {
        Some(BoilerplateKind::Promo)
    } else {
        None
    }
}

fn is_credit(lower: &str, norm: &str) -> bool {
    CREDIT_LINES.contains(&norm)
        || CREDIT_OPENINGS.iter().any(|o| lower.starts_with(o))
        || norm.ends_with("contributed to this report")
}

/// A caption opens like one (`Photo: …`) or ends with a photo credit in
/// parentheses (`… (AP Photo/Jane Doe)`).
fn is_caption(lower: &str) -> bool {
    if CAPTION_OPENINGS.iter().any(|o| lower.starts_with(o)) {
        return true;
    }
    let Some(inner) = lower.strip_suffix(')').and_then(|l| l.rsplit_once('(')) else {
        return false;
    };
    let credit = inner.1;
    ["ap photo", "photo", "reuters", "getty", "afp", "epa"]
        .iter()
        .any(|a| credit.starts_with(a))
        && (credit.contains('/') || credit.contains("photo") || credit.contains("images"))
}

fn is_promo(norm: &str) -> bool {
    let social = [" on twitter", " on facebook", " on instagram", " on x"];
    PROMO_OPENINGS.iter().any(|o| norm.starts_with(o))
        || (norm.starts_with("follow ") && social.iter().any(|s| norm.contains(s)))
        || norm.contains("like the page")
        || norm.contains("like our page")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(t: &str) -> Vec<(BoilerplateKind, String)> {
        let doc = Doc::new(t);
        detect(&doc)
            .spans
            .into_iter()
            .map(|(k, r)| (k, t[r].to_owned()))
            .collect()
    }

    fn related(t: &str) -> Vec<String> {
        let doc = Doc::new(t);
        detect(&doc)
            .related
            .into_iter()
            .map(|r| t[r].to_owned())
            .collect()
    }

    use BoilerplateKind::*;

    #[test]
    fn advertisement_placeholders() {
        let t = "Body one.\n\nADVERTISEMENT\n\nStory continues below advertisement\n\nBody two.";
        assert_eq!(
            kinds(t),
            vec![
                (Advertisement, "ADVERTISEMENT".into()),
                (Advertisement, "Story continues below advertisement".into())
            ]
        );
    }

    #[test]
    fn related_blocks_stop_at_prose() {
        let t = "Body.\n\nRead more:\n\nCity opens a new bridge\n\nTeam wins the cup\n\n\
                 The mayor said the bridge would open on Friday after years of delay.";
        assert_eq!(
            related(t),
            vec!["City opens a new bridge", "Team wins the cup"]
        );
        assert_eq!(
            kinds(t),
            vec![(
                Related,
                "Read more:\n\nCity opens a new bridge\n\nTeam wins the cup".into()
            )]
        );
    }

    #[test]
    fn inline_related_lines_and_quoted_headers() {
        let t = "Body.\n\nSee also: Parliament passes the budget\n\n\"Related:\"\n\nFarmers Protest New Rules.";
        assert_eq!(
            related(t),
            vec!["Parliament passes the budget", "Farmers Protest New Rules."]
        );
    }

    #[test]
    fn captions_credits_and_promos() {
        let t = "Photo: Firefighters at the scene.\n\nThe mayor visited. (AP Photo/Jane Doe)\n\n\
                 (Reuters)\n\nGetty.\n\nReporting by Jane Doe; Editing by John Roe\n\n\
                 Follow Jane Doe on Twitter @janedoe.\n\nSign up for our newsletter\n\n\
                 AP writer John Roe contributed to this report.";
        assert_eq!(
            kinds(t).into_iter().map(|(k, _)| k).collect::<Vec<_>>(),
            vec![Caption, Caption, Credit, Credit, Credit, Promo, Promo, Credit]
        );
    }

    #[test]
    fn prose_that_opens_like_boilerplate_stays_body() {
        let t = "Related: the two cases were handled by the same judge, who said she saw no conflict in hearing both of them during the same week, lawyers said.\n\n\
                 More than 200 people came.\n\n\
                 Follow the money, she said.\n\n\
                 Advertisement revenue fell by a third, the company said.\n\n\
                 Read more: the report, released on Monday, runs to 400 pages and covers every agency in the state, and its authors said it took two years to write.";
        assert_eq!(kinds(t), vec![]);
    }

    /// The opening rule as first written: lowercase the head, compare.
    fn opens_by_lowercasing(t: &str) -> bool {
        let head_end = t.char_indices().nth(HEAD_CHARS).map_or(t.len(), |(i, _)| i);
        let head = t[..head_end].to_lowercase();
        let bare = head.trim_start_matches(|c: char| !is_alphanumeric(c));
        let opens = |list: &[&str], h: &str| list.iter().any(|o| h.starts_with(o));
        opens(CREDIT_OPENINGS, &head)
            || opens(CAPTION_OPENINGS, &head)
            || opens(PROMO_OPENINGS, bare)
            || opens(RELATED_HEADERS, bare)
            || bare.starts_with("follow ")
    }

    fn agree_with_plain_definitions(t: &str) {
        assert_eq!(
            has_fewer_words(t, 7),
            t.split_whitespace().nth(6).is_none(),
            "{t:?}"
        );
        assert_eq!(opens_like_boilerplate(t), opens_by_lowercasing(t), "{t:?}");
        let mut chars = String::new();
        push_lowercase_chars(t, &mut chars);
        let by_char: String = t.chars().flat_map(char::to_lowercase).collect();
        assert_eq!(chars, by_char, "{t:?}");
    }

    #[test]
    fn quick_checks_agree_with_their_plain_definitions() {
        let long_head = format!("{}photo by Jane Doe", "x".repeat(HEAD_CHARS));
        for t in [
            "",
            "Photo by Jane Doe of the local paper, who was there on the day.",
            "PHOTO: firefighters at the scene of the fire on Main Street today",
            "“Related: one two three four five six seven",
            "¡¡¡ READ MORE: one two three four five six seven",
            "\u{130}mage by a b c d e f g",
            "\u{212A}LICK HERE now, one two three four five six",
            "ΣΣ related: one two three four five six seven",
            "© 2024 The Associated Press. All rights reserved here.",
            "FILE – In this photo the mayor speaks to a b c",
            "one\u{a0}two\u{2003}three\u{85}four\tfive\u{b}six\u{c}seven",
            "one\u{1c}two three four five six",
            "  one   two   three   four   five   six  ",
            "a b c d e f g",
            "a b c d e f",
            "añb ç d é f g h",
            long_head.as_str(),
        ] {
            agree_with_plain_definitions(t);
        }
    }

    proptest::proptest! {
        #[test]
        fn quick_checks_agree_on_any_line(
            opening in proptest::sample::select(
                [CREDIT_OPENINGS, CAPTION_OPENINGS, PROMO_OPENINGS, RELATED_HEADERS].concat()
            ),
            upper in proptest::bool::ANY,
            before in "[ “(\u{a0}]{0,2}",
            after in "[a-zA-Z \t\u{a0}\u{2003}\u{85}ΣİK:“©–.-]{0,60}",
        ) {
            let opening = if upper { opening.to_uppercase() } else { opening.to_owned() };
            agree_with_plain_definitions(&format!("{before}{opening}{after}"));
            agree_with_plain_definitions(&format!("{before}{after}"));
        }
    }

    #[test]
    fn odd_lines_do_not_panic() {
        let t = ":\n\nRead more:\n\n( )\n\n)\n\n🙂 (AP Photo/🙂)\n\n\u{202E}Related:\u{0}";
        let _ = kinds(t);
        let _ = related(t);
    }
}
