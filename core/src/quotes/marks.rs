//! Quotation marks: which characters open and close a quotation.
//!
//! Only double marks delimit quotations (curly `“ ”`, straight `"`,
//! guillemets `« »`, low-high `„ “`). Single marks are left alone: inside a
//! quotation they are nested quotes and part of it; outside they are
//! apostrophes (`Ukraine's`, `'90s`) or headline scare quotes, and neither
//! is speech. A straight mark has no direction, so the characters around it
//! decide: an opening mark follows a space or an opening bracket and comes
//! before a word; a closing mark follows a word or punctuation and comes
//! before a space or punctuation. One pass, constant work per character.

use std::ops::Range;

/// A quotation between double marks, in bytes, marks included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quoted {
    pub range: Range<usize>,
    /// Index (in the paragraph list given to [`find`]) of the paragraph
    /// where the quotation opens, and of the one where it closes: a quote
    /// that runs over paragraphs reopens each with a mark and closes once.
    pub first_para: usize,
    pub last_para: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mark {
    /// `“`, `„`, `«`: usually open.
    Opening,
    /// `”`, `»`: usually close.
    Closing,
    /// `"`: context decides.
    Straight,
}

fn mark(c: char) -> Option<Mark> {
    match c {
        '“' | '„' | '«' | '‟' => Some(Mark::Opening),
        '”' | '»' => Some(Mark::Closing),
        '"' | '＂' => Some(Mark::Straight),
        _ => None,
    }
}

/// The bytes of a paragraph that may begin a double mark in UTF-8, in
/// order: `"` and the lead bytes of `« »` (0xC2) and of `“ ” „ ‟` (0xE2)
/// with one vectorized search, and the lead byte of the rare `＂` (0xEF)
/// with a second one, which runs only in texts that have that byte.
struct MarkStarts<'a> {
    bytes: &'a [u8],
    /// The next 0xEF byte at or after the last position asked for.
    fullwidth: Option<usize>,
}

impl<'a> MarkStarts<'a> {
    /// The mark starts of `bytes`, a paragraph of a text that has a 0xEF
    /// byte somewhere when `fullwidth` is true.
    fn new(bytes: &'a [u8], fullwidth: bool) -> Self {
        Self {
            bytes,
            fullwidth: fullwidth.then(|| memchr::memchr(0xEF, bytes)).flatten(),
        }
    }

    /// The first byte at or after `from` that may begin a double mark.
    fn next(&mut self, from: usize) -> Option<usize> {
        let rest = &self.bytes[from..];
        if self.fullwidth.is_some_and(|f| f < from) {
            self.fullwidth = memchr::memchr(0xEF, rest).map(|k| from + k);
        }
        let common = memchr::memchr3(b'"', 0xC2, 0xE2, rest).map(|k| from + k);
        match (common, self.fullwidth) {
            (Some(c), Some(f)) => Some(c.min(f)),
            (c, f) => c.or(f),
        }
    }
}

fn is_mark(c: char) -> bool {
    mark(c).is_some() || matches!(c, '‘' | '’' | '\'')
}

/// What the characters around a mark allow it to be.
struct Context {
    can_open: bool,
    can_close: bool,
}

fn context(prev: Option<char>, next: Option<char>) -> Context {
    let prev_opens = prev.map_or(true, |p| {
        p.is_whitespace()
            || matches!(p, '(' | '[' | '{' | '—' | '–' | '-' | '/' | ':')
            || is_mark(p)
    });
    let next_is_space = next.map_or(true, char::is_whitespace);
    let next_closes = next.map_or(true, |n| !crate::text::is_alphanumeric(n));
    let prev_is_space = prev.map_or(true, char::is_whitespace);
    Context {
        can_open: prev_opens && !next_is_space,
        can_close: !prev_is_space && next_closes,
    }
}

/// An open quotation.
#[derive(Clone, Copy)]
struct Open {
    start: usize,
    para: usize,
    /// Opened with a straight mark, so curly marks inside it are nested
    /// quotes (and the other way round).
    straight: bool,
    /// A quote of the other family is open inside this one.
    nested: bool,
}

/// Finds the quotations in `paras` (byte ranges of `text`, in order).
pub fn find(text: &str, paras: &[Range<usize>]) -> Vec<Quoted> {
    let mut out = Vec::new();
    let mut open: Option<Open> = None;
    let fullwidth = memchr::memchr(0xEF, text.as_bytes()).is_some();
    for (pi, para) in paras.iter().enumerate() {
        let slice = &text[para.clone()];
        let mut skip_first = false;
        if let Some(o) = open {
            // A quotation left open at the end of a paragraph goes on only
            // when this paragraph reopens it with a mark.
            let reopens = slice
                .chars()
                .next()
                .and_then(mark)
                .is_some_and(|m| m != Mark::Closing);
            if reopens {
                skip_first = true;
                open = Some(Open { nested: false, ..o });
            } else {
                push(&mut out, o.start..paras[pi - 1].end, o.para, pi - 1);
                open = None;
            }
        }
        let mut starts = MarkStarts::new(slice.as_bytes(), fullwidth);
        let mut from = match skip_first {
            true => slice.chars().next().map_or(0, char::len_utf8),
            false => 0,
        };
        // Jump from one byte that may begin a mark to the next: marks are
        // a few per paragraph, so the rest of the text is skipped unread.
        while let Some(i) = starts.next(from) {
            let Some(c) = slice[i..].chars().next() else {
                break;
            };
            from = i + c.len_utf8();
            let Some(m) = mark(c) else {
                continue;
            };
            let at = para.start + i;
            let ctx = context(slice[..i].chars().next_back(), slice[from..].chars().next());
            let here = Open {
                start: at,
                para: pi,
                straight: m == Mark::Straight,
                nested: false,
            };
            open = match open {
                None => opens(m, &ctx).then_some(here),
                Some(o) => match step(o, m, &ctx) {
                    Step::Close => {
                        push(&mut out, o.start..from + para.start, o.para, pi);
                        None
                    }
                    Step::Nest(nested) => Some(Open { nested, ..o }),
                    Step::Restart => Some(here),
                },
            };
        }
    }
    if let (Some(o), Some(last)) = (open, paras.last()) {
        push(&mut out, o.start..last.end, o.para, paras.len() - 1);
    }
    out
}

/// Whether a mark outside any quotation opens one.
fn opens(m: Mark, ctx: &Context) -> bool {
    match m {
        Mark::Opening => true,
        Mark::Straight => ctx.can_open,
        // `”Hello` written with the wrong mark.
        Mark::Closing => ctx.can_open && !ctx.can_close,
    }
}

enum Step {
    Close,
    /// Opens (true) or closes (false) a nested quote of the other family.
    Nest(bool),
    /// The earlier opening mark was stray (a typo, an inch sign): a new
    /// quotation opens here.
    Restart,
}

/// What a mark does inside an open quotation. Marks of the same family
/// close it; a mark of the other family that can open starts a nested
/// quote (`"It is about “Equal Justice” now"`), and one that can only
/// close ends the quotation (mixed marks: `“Yes," he said`).
fn step(o: Open, m: Mark, ctx: &Context) -> Step {
    let only_closes = ctx.can_close && !ctx.can_open;
    let only_opens = ctx.can_open && !ctx.can_close;
    match (o.straight, o.nested, m) {
        (true, false, Mark::Straight) => match only_opens {
            true => Step::Restart,
            false => Step::Close,
        },
        (true, false, Mark::Opening) if !only_closes => Step::Nest(true),
        (true, true, Mark::Closing) => Step::Nest(false),
        (true, true, Mark::Opening) => Step::Nest(true),
        (false, false, Mark::Straight) if only_opens => Step::Nest(true),
        (false, true, Mark::Straight) if ctx.can_close => Step::Nest(false),
        (false, true, Mark::Straight) => Step::Nest(true),
        (false, _, Mark::Opening) if !only_closes => Step::Restart,
        _ => Step::Close,
    }
}

fn push(out: &mut Vec<Quoted>, range: Range<usize>, first_para: usize, last_para: usize) {
    out.push(Quoted {
        range,
        first_para,
        last_para,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::paragraphs;

    fn quotes(t: &str) -> Vec<&str> {
        find(t, &paragraphs(t))
            .into_iter()
            .map(|q| &t[q.range])
            .collect()
    }

    #[test]
    fn curly_straight_and_guillemets() {
        assert_eq!(quotes("He said “we win,” and left."), vec!["“we win,”"]);
        assert_eq!(
            quotes("\"Yes,\" she said. \"No.\""),
            vec!["\"Yes,\"", "\"No.\""]
        );
        assert_eq!(quotes("Il a dit «non» hier."), vec!["«non»"]);
        assert_eq!(quotes("Er sagte „nein“ gestern."), vec!["„nein“"]);
    }

    #[test]
    fn fullwidth_marks_among_others() {
        assert_eq!(
            quotes("＂A＂ then “b” and ＂c,＂ then \"d\" — ＂e＂"),
            vec!["＂A＂", "“b”", "＂c,＂", "\"d\"", "＂e＂"]
        );
    }

    #[test]
    fn singles_are_not_quotations() {
        assert!(quotes("Russia may ‘reconsider’ Ukraine's '90s don’t").is_empty());
        assert_eq!(
            quotes("“He said ‘no’ to me.”"),
            vec!["“He said ‘no’ to me.”"]
        );
    }

    #[test]
    fn a_quote_over_paragraphs_is_one() {
        let t = "“First part.\n\n“Second part,” he said.";
        assert_eq!(quotes(t), vec![t.strip_suffix(" he said.").unwrap_or(t)]);
    }

    #[test]
    fn unbalanced_marks_stay_linear_and_inside_paragraphs() {
        let many = "“".repeat(100_000);
        assert_eq!(quotes(&many).len(), 1);
        let t = "“open\n\nplain text\n\n“again";
        assert_eq!(quotes(t), vec!["“open", "“again"]);
        assert!(quotes("\"").len() <= 1);
        assert!(quotes("”").is_empty());
    }
}
