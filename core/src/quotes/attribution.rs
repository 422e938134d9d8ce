//! Attribution of direct quotations: which words around a quotation name
//! its speaker and cue, and which quotations belong together.
//!
//! Each quotation looks at the rest of its own sentence: after the closing
//! mark (`,” he said`) and before the opening one (`He added: “`). Then
//! quotations are joined and speakers carried over the way news prose
//! does it: `“A,” she said. “B.”` is one quote with two segments; a
//! paragraph that is only a quotation continues the speaker of the
//! paragraph before (a quote or a `Cruz continued:` line).

use std::ops::Range;

use super::grammar::{Paragraphs, Toks};
use super::is_alphanumeric;
use super::marks::Quoted;
use super::patterns::Attribution;

/// How many tokens before an opening mark a speech verb may stand
/// (`Trump told reporters on Tuesday in Ohio: “…`).
const HEAD_REACH: usize = 16;

/// The same for a line that ends with a colon and introduces a quotation
/// paragraph, which often says more before it (`As Ann Lee reported after
/// the FBI left the scene in San Bernardino:`).
const COLON_REACH: usize = 30;

/// A direct quote before speaker resolution, in bytes.
#[derive(Debug, Clone)]
pub struct Draft {
    pub segments: Vec<Range<usize>>,
    pub attribution: Option<Attribution>,
    first_para: usize,
    last_para: usize,
    /// The attribution came after the quotation (`,” she said.`), so a
    /// quotation right after it in the paragraph continues this one.
    from_tail: bool,
    /// The quotation opens its paragraph.
    opens_paragraph: bool,
    /// Where the sentence before the quotation lies in its paragraph, when
    /// the quotation starts a sentence (token indices).
    previous_sentence: Option<(usize, usize)>,
}

/// Attributes every quotation; `paras` are the tokens of the paragraphs
/// that `quoted` indexes.
pub fn attribute(paras: &Paragraphs, quoted: &[Quoted]) -> Vec<Draft> {
    let mut drafts: Vec<Draft> = Vec::new();
    for (i, q) in quoted.iter().enumerate() {
        let prev_end = i
            .checked_sub(1)
            .map(|p| &quoted[p])
            .filter(|p| p.last_para == q.first_para)
            .map(|p| p.range.end);
        let next_start = quoted
            .get(i + 1)
            .filter(|n| n.first_para == q.last_para)
            .map(|n| n.range.start);
        let (Some(head), Some(tail)) = (paras.get(q.first_para), paras.get(q.last_para)) else {
            continue;
        };
        let (text, head_toks, tail_toks) = (head.text, head.toks, tail.toks);
        let h1 = head_toks.partition_point(|t| t.range.start < q.range.start);
        let h0 = prev_end.map_or(0, |e| head_toks.partition_point(|t| t.range.start < e));
        let h0 = h0.max(head.sentence_start(h1));
        let t0 = tail_toks.partition_point(|t| t.range.start < q.range.end);
        let t1 = next_start.map_or(tail_toks.len(), |s| {
            tail_toks.partition_point(|t| t.range.start < s)
        });
        let before = head.attribution_before(h0, h1, HEAD_REACH);
        let closed = ends_closed(text, &q.range);
        let after = tail.attribution_after(t0, t1, closed);
        // After the quote when the quote runs on into it (`,” she said`),
        // or when the words before have no speech verb of their own. A
        // quote that ends its sentence (`.”`) after a subject of its own
        // (`Hollande condemned the “attack ….” He announced …`) is that
        // subject's: the words after it are the next sentence's.
        let before_has_cue = before.as_ref().is_some_and(|b| b.cue.is_some());
        let sentence_of_its_own = closed && h0 < h1 && before.is_some();
        let from_tail = after.is_some()
            && (ends_open(text, &q.range)
                || inverted(&tail, t0, t1)
                || !(before_has_cue || sentence_of_its_own));
        let attribution = if from_tail { after } else { before };
        let opens_paragraph = h1 == 0;
        let starts_sentence = h0 == h1;
        let previous_sentence =
            (starts_sentence && h1 > 0).then(|| (head.sentence_start(h1 - 1), h1));
        let draft = Draft {
            segments: vec![q.range.clone()],
            attribution,
            first_para: q.first_para,
            last_para: q.last_para,
            from_tail,
            opens_paragraph,
            previous_sentence,
        };
        if !join_previous(&mut drafts, &draft) {
            drafts.push(draft);
        }
    }
    share_within_paragraphs(&mut drafts);
    carry_over_paragraphs(paras, &mut drafts);
    from_context(paras, &mut drafts);
    drafts
}

/// Whether the quoted words end with a comma or a dash, so the sentence
/// goes on after the closing mark (`“…,” he said`).
fn ends_open(text: &str, range: &Range<usize>) -> bool {
    let inner = text[range.clone()].trim_end_matches(|c: char| {
        !is_alphanumeric(c) && !matches!(c, ',' | '—' | '–' | '-' | '?' | '!' | '.' | '…')
    });
    inner.ends_with([',', '—', '–', '-'])
}

/// Whether the words after a closing mark, tokens `t0..t1`, open with a
/// speech verb (`?” asked Dunn`, `!” said the senator`): the sentence
/// runs on into the attribution, which is the quotation's own even when
/// the words before it have a verb too (`Moscow denies — “why …?” asked
/// Dunn`).
fn inverted(tail: &Toks, t0: usize, t1: usize) -> bool {
    t0 < t1 && tail.is_word(t0) && tail.is_verb(t0)
}

/// Whether the quoted words end a sentence (`“We won.”`, `“Why?”`).
fn ends_closed(text: &str, range: &Range<usize>) -> bool {
    let inner = text[range.clone()].trim_end_matches(|c: char| !is_alphanumeric(c) && c != '.');
    inner.ends_with('.')
}

/// Joins a quotation to the previous one of its paragraph when both are
/// the same utterance: `“A,” she said. “B.”` or `“A,” he said, “B.”`.
fn join_previous(drafts: &mut [Draft], draft: &Draft) -> bool {
    let Some(prev) = drafts.last_mut() else {
        return false;
    };
    if prev.last_para != draft.first_para || prev.attribution.is_none() {
        return false;
    }
    let same = match (&prev.attribution, &draft.attribution) {
        (Some(_), None) => prev.from_tail,
        (Some(a), Some(b)) => a.speaker.is_some() && a.speaker == b.speaker,
        _ => false,
    };
    if same {
        prev.segments.extend(draft.segments.iter().cloned());
        prev.last_para = draft.last_para;
    }
    same
}

/// A quotation without its own attribution takes the one of a neighbour in
/// the same paragraph: `“A.” “B,” he said.`
fn share_within_paragraphs(drafts: &mut [Draft]) {
    let has_speaker = |d: &Draft| d.attribution.as_ref().is_some_and(|a| a.speaker.is_some());
    for i in 0..drafts.len() {
        if has_speaker(&drafts[i]) {
            continue;
        }
        let para = drafts[i].first_para;
        let next = drafts
            .get(i + 1)
            .filter(|d| d.first_para == para && has_speaker(d));
        let prev = i
            .checked_sub(1)
            .map(|p| &drafts[p])
            .filter(|d| d.last_para == para && has_speaker(d));
        let Some(shared) = prev.or(next).and_then(|d| d.attribution.clone()) else {
            continue;
        };
        match &mut drafts[i].attribution {
            // `Ash described the move as a “breach,” adding: “…”`
            Some(own) => own.speaker = shared.speaker,
            None => drafts[i].attribution = Some(shared),
        }
    }
}

/// A quotation that opens its paragraph without attribution continues the
/// speaker of the paragraph before: its last attributed quotation, or a
/// line ending with a colon (`Cruz continued:`).
fn carry_over_paragraphs(paras: &Paragraphs, drafts: &mut [Draft]) {
    for i in 0..drafts.len() {
        if drafts[i].attribution.is_some() || !drafts[i].opens_paragraph {
            continue;
        }
        let Some(before) = drafts[i].first_para.checked_sub(1) else {
            continue;
        };
        let from_quote = drafts[..i]
            .iter()
            .rev()
            .take_while(|d| d.last_para >= before)
            .find(|d| d.attribution.is_some())
            .and_then(|d| d.attribution.clone());
        drafts[i].attribution = from_quote.or_else(|| colon_line(&paras.get(before)?));
    }
}

/// The attribution of a paragraph that ends with a colon.
fn colon_line(t: &Toks) -> Option<Attribution> {
    let last = t.len().checked_sub(1)?;
    if t.word(last) != ":" {
        return None;
    }
    let start = t.sentence_start(last);
    t.attribution_before(start, t.len(), COLON_REACH)
}

/// Last resorts for a quotation still without a speaker: a signature line
/// after a quotation paragraph (`— Hillary Clinton.`), the sentence before
/// it in its paragraph (`Ann Lee agreed. “…”`), or the last sentence of the
/// paragraph before when it reports speech (`Schoen elaborated that …`).
fn from_context(paras: &Paragraphs, drafts: &mut [Draft]) {
    for d in drafts.iter_mut() {
        if d.attribution.as_ref().is_some_and(|a| a.speaker.is_some()) {
            continue;
        }
        let found = if d.opens_paragraph {
            paras
                .get(d.last_para + 1)
                .and_then(|p| signature(&p))
                .or_else(|| {
                    let t = paras.get(d.first_para.checked_sub(1)?)?;
                    let start = t.sentence_start(t.len().saturating_sub(1));
                    t.attribution_before(start, t.len(), COLON_REACH)
                        .filter(|a| a.cue.is_some())
                })
        } else {
            d.previous_sentence.and_then(|(start, end)| {
                paras
                    .get(d.first_para)?
                    .attribution_before(start, end, COLON_REACH)
            })
        };
        let Some(found) = found.filter(|a| a.speaker.is_some()) else {
            continue;
        };
        match &mut d.attribution {
            Some(own) => own.speaker = found.speaker,
            None => d.attribution = Some(found),
        }
    }
}

/// A paragraph that signs the quotation above it: `— Bernie Sanders.`,
/// `-Michelle Marks, Philadelphia.`
fn signature(t: &Toks) -> Option<Attribution> {
    if t.len() == 0 || !matches!(t.word(0), "-" | "—" | "–" | "―") {
        return None;
    }
    let (first, last) = t.phrase_after(1)?;
    Some(Attribution {
        speaker: Some(t.span(first, last)),
        cue: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quotes::marks;
    use crate::text::{paragraphs, ParagraphTokens};

    /// The speaker mention of each quote of `text`.
    fn speakers(text: &str) -> Vec<Option<&str>> {
        let paras = paragraphs(text);
        let tokens = ParagraphTokens::new(text, &paras);
        let quoted = marks::find(text, &paras);
        attribute(&Paragraphs::new(text, &tokens), &quoted)
            .into_iter()
            .map(|d| d.attribution.and_then(|a| a.speaker).map(|s| &text[s]))
            .collect()
    }

    #[test]
    fn a_verb_right_after_a_question_mark_attributes_the_quote() {
        let text =
            "Russia strongly denies it — “why wouldn’t you raise it?” asked Dunn, a partner.";
        assert_eq!(speakers(text), vec![Some("Dunn")]);
    }
}
