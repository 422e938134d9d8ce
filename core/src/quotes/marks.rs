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
    let next_closes = next.map_or(true, |n| !n.is_alphanumeric());
    let prev_is_space = prev.map_or(true, char::is_whitespace);
    Context {
        can_open: prev_opens && !next_is_space,
        can_close: !prev_is_space && next_closes,
    }
}

/// Finds the quotations in `paras` (byte ranges of `text`, in order).
pub fn find(text: &str, paras: &[Range<usize>]) -> Vec<Quoted> {
    let mut out = Vec::new();
    // An open quotation: where it opened, and in which paragraph.
    let mut open: Option<(usize, usize)> = None;
    for (pi, para) in paras.iter().enumerate() {
        let slice = &text[para.clone()];
        let mut skip_first = false;
        if let Some((start, first)) = open {
            // A quotation left open at the end of a paragraph goes on only
            // when this paragraph reopens it with a mark.
            let reopens = slice
                .chars()
                .next()
                .and_then(mark)
                .is_some_and(|m| m != Mark::Closing);
            if reopens {
                skip_first = true;
            } else {
                push(&mut out, start..paras[pi - 1].end, first, pi - 1);
                open = None;
            }
        }
        let mut prev: Option<char> = None;
        let mut chars = slice.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let next = chars.peek().map(|&(_, n)| n);
            let at = para.start + i;
            if skip_first {
                skip_first = false;
                prev = Some(c);
                continue;
            }
            if let Some(m) = mark(c) {
                let ctx = context(prev, next);
                open = step(&mut out, open, m, &ctx, at, c.len_utf8(), pi);
            }
            prev = Some(c);
        }
    }
    if let (Some((start, first)), Some(last)) = (open, paras.last()) {
        push(&mut out, start..last.end, first, paras.len() - 1);
    }
    out
}

/// Advances the open/closed state over one mark at byte `at`.
fn step(
    out: &mut Vec<Quoted>,
    open: Option<(usize, usize)>,
    m: Mark,
    ctx: &Context,
    at: usize,
    len: usize,
    para: usize,
) -> Option<(usize, usize)> {
    match open {
        None => {
            let opens = match m {
                Mark::Opening => true,
                Mark::Straight => ctx.can_open,
                // `”Hello` written with the wrong mark.
                Mark::Closing => ctx.can_open && !ctx.can_close,
            };
            opens.then_some((at, para))
        }
        Some((start, first)) => {
            let closes = match m {
                Mark::Closing => true,
                Mark::Straight => ctx.can_close || !ctx.can_open,
                // `“` used as a closing mark, or closing a `„` quotation.
                Mark::Opening => ctx.can_close && !ctx.can_open,
            };
            if closes {
                push(out, start..at + len, first, para);
                None
            } else {
                // An opening mark inside a quotation: the earlier mark was
                // stray (a typo or an inch sign); start over here.
                Some((at, para))
            }
        }
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
