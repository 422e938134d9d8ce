//! Indirect speech: reported clauses without quotation marks.
//!
//! Two shapes cover most news prose: `NAME VERB that CLAUSE` (`He added
//! that European companies …`) and `CLAUSE, NAME VERB …` (`Ukraine is
//! increasing production, Zelenskyy said on Tuesday`). Sentences holding a
//! quotation mark are left to the direct quotes.

use std::ops::Range;

use super::grammar::Toks;
use super::patterns::Attribution;
use crate::text::Token;
use crate::words::WordList;

/// Verbs that report a clause (a narrower set than the speech verbs that
/// can introduce a quotation: `continued` or `joked` rarely report one),
/// matched as written (lowercase).
const REPORTING: WordList = WordList::new(REPORTING_WORDS);

/// The words of [`REPORTING`].
const REPORTING_WORDS: &[&str] = &[
    "acknowledged",
    "acknowledges",
    "added",
    "adds",
    "admits",
    "admitted",
    "announced",
    "announces",
    "argued",
    "argues",
    "asserted",
    "asserts",
    "believed",
    "believes",
    "claimed",
    "claims",
    "conceded",
    "concedes",
    "confirmed",
    "confirms",
    "contended",
    "contends",
    "declared",
    "declares",
    "denied",
    "denies",
    "emphasised",
    "emphasized",
    "explained",
    "explains",
    "insisted",
    "insists",
    "maintained",
    "maintains",
    "noted",
    "notes",
    "predicted",
    "predicts",
    "promised",
    "promises",
    "recalled",
    "recalls",
    "reported",
    "reports",
    "said",
    "say",
    "says",
    "stated",
    "states",
    "stressed",
    "stresses",
    "suggested",
    "suggests",
    "tells",
    "told",
    "tweeted",
    "tweets",
    "vowed",
    "vows",
    "warned",
    "warns",
    "writes",
    "wrote",
];

/// The first and last letters of the reporting verbs, by byte: bit `l`
/// of entry `f` is set when some verb starts with byte `f` and ends with
/// letter number `l` (from 0 for `a`; `said`: entry `b's'`, bit 3). Nearly
/// every token is tested, and these two bytes turn away most words before
/// the lookup. Entries of bytes that are no lowercase letter are empty.
const FIRST_LAST: [u32; 256] = first_last_letters(REPORTING_WORDS);

/// Bit `l` for the lowercase letter number `l` (from 0 for `a`), by byte;
/// no bit for other bytes. With [`FIRST_LAST`], one `&` tells whether a
/// token's first and last bytes are those of a reporting verb.
const LAST_LETTER: [u32; 256] = {
    let mut bits = [0; 256];
    let mut b = b'a';
    while b <= b'z' {
        bits[b as usize] = 1 << (b - b'a');
        b += 1;
    }
    bits
};

const fn first_last_letters(words: &[&str]) -> [u32; 256] {
    let mut bits = [0; 256];
    let mut i = 0;
    while i < words.len() {
        let w = words[i].as_bytes();
        let (first, last) = (w[0], w[w.len() - 1]);
        assert!(
            first.is_ascii_lowercase() && last.is_ascii_lowercase(),
            "reporting verbs are lowercase"
        );
        bits[first as usize] |= 1 << (last - b'a');
        i += 1;
    }
    bits
}

/// An indirect quote, in bytes.
#[derive(Debug, Clone)]
pub struct Reported {
    pub content: Range<usize>,
    pub attribution: Attribution,
}

/// Finds the reported clauses of one paragraph's tokens.
pub fn find(t: &Toks) -> Vec<Reported> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < t.len() {
        let end = (t.sentence_end(start) + 1).min(t.len());
        if !t.has_quote_mark(start, end) {
            sentence(t, start, end, &mut out);
        }
        start = end;
    }
    out
}

/// Whether `tok` is a reporting verb. Nearly every token is asked, so its
/// first and last letters are tested before the word is looked up, and
/// tested together, without a branch per test: whether a token is a word,
/// and with which letters it starts and ends, follow no pattern from one
/// token to the next, so branches there would be mispredicted often.
fn is_reporting(text: &str, tok: &Token) -> bool {
    let bytes = text.as_bytes();
    // A token has at least one byte; a mark's is no lowercase letter.
    let byte = |at: usize| bytes.get(at).map_or(0, |&b| usize::from(b));
    let first = byte(tok.range.start);
    let last = byte(tok.range.end.wrapping_sub(1));
    let ends = FIRST_LAST[first] & LAST_LETTER[last] != 0;
    // Every reporting verb has more than one letter.
    let candidate = tok.is_word & (tok.range.len() > 1) & ends;
    candidate && REPORTING.contains_exact(&text[tok.range.clone()])
}

/// Both shapes in one sentence `start..end` (`end` past its final mark). A
/// verb without its own subject (`… said on Tuesday and stressed that …`)
/// shares the subject of the verb before it.
fn sentence(t: &Toks, start: usize, end: usize, out: &mut Vec<Reported>) {
    let content_end = if end > start && t.ends_sentence(end - 1) {
        end - 1
    } else {
        end
    };
    let mut subject: Option<(usize, usize)> = None;
    let verbs = t.toks[start..content_end]
        .iter()
        .enumerate()
        .filter(|(_, tok)| is_reporting(t.text, tok))
        .map(|(k, _)| start + k);
    for v in verbs {
        let own = t.subject_of(v, start);
        let Some((first, last)) = own.or(subject) else {
            continue;
        };
        subject = Some((first, last));
        let attribution = t.attribution_span((first, last), v);
        // `CLAUSE, NAME said`: the clause before the subject's comma.
        if own.is_some() && first > start + 3 && t.word(first - 1) == "," {
            out.push(Reported {
                content: t.span(start, first - 2),
                attribution: attribution.clone(),
            });
        }
        // `NAME said that CLAUSE`.
        let that =
            (v + 1..content_end.min(v + 5)).find(|&k| t.word(k).eq_ignore_ascii_case("that"));
        if let Some(k) = that.filter(|&k| k + 3 < content_end) {
            out.push(Reported {
                content: t.span(k + 1, content_end - 1),
                attribution,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokens;

    /// The words of `text` that [`is_reporting`] takes for reporting verbs.
    fn reporting(text: &str) -> Vec<&str> {
        tokens(text, 0..text.len())
            .iter()
            .filter(|t| is_reporting(text, t))
            .map(|t| &text[t.range.clone()])
            .collect()
    }

    #[test]
    fn reporting_verbs_are_lowercase_words_of_the_list() {
        assert_eq!(
            reporting("He said, she says; they told."),
            ["said", "says", "told"]
        );
        // Capitalized, too short, not in the list though its first and
        // last letters are (`sad`), punctuation and non-ASCII letters.
        assert_eq!(reporting("Said s sad “ ” - ... saïd"), Vec::<&str>::new());
    }

    #[test]
    fn the_letter_tables_know_every_verb() {
        for w in REPORTING_WORDS {
            let b = w.as_bytes();
            let (first, last) = (b[0], b[b.len() - 1]);
            assert_ne!(
                FIRST_LAST[usize::from(first)] & LAST_LETTER[usize::from(last)],
                0,
                "{w}"
            );
        }
        for b in 0..=255u8 {
            let lowercase = b.is_ascii_lowercase();
            assert_eq!(LAST_LETTER[usize::from(b)] != 0, lowercase, "{b}");
            assert!(lowercase || FIRST_LAST[usize::from(b)] == 0, "{b}");
        }
    }
}
