//! Attribution patterns around a quotation, built from the grammar of
//! [`super::grammar`]: after the closing mark (`,” Shmyhal said`, `,” said
//! Mike Shields, the president …`), before the opening mark (`He added:
//! “`, `According to Ann Lee, “`, `As Ann Lee put it, “`), and the
//! speaker-only fallbacks (the subject of the sentence).

use std::ops::Range;

use super::grammar::{Toks, DETERMINERS, NP_STOP};
use crate::people::is_capitalized;
use crate::words::WordList;

/// Forms of `tell`, whose object is the listener, never the speaker.
const TELL: WordList = WordList::new(&["tell", "telling", "tells", "told"]);

/// A verb form in `-ing` (`saying`, `adding`), which has no subject of its
/// own after it.
fn is_participle(word: &str) -> bool {
    word.len() > 4 && word.ends_with("ing")
}

/// Who speaks and with which verb, in bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribution {
    pub speaker: Option<Range<usize>>,
    pub cue: Option<Range<usize>>,
}

impl Toks<'_> {
    /// Attribution after a closing mark, in tokens `start..end`:
    /// `,” Shmyhal said`, `,” he said in his nightly address`,
    /// `,” said Mike Shields, the president …`, `,” according to Ann Lee`.
    pub fn attribution_after(&self, start: usize, end: usize, closed: bool) -> Option<Attribution> {
        let end = end.min(self.sentence_end(start));
        let mut i = start;
        while i < end && !self.is_word(i) && matches!(self.word(i), "," | "—" | "–" | "-" | "(")
        {
            i += 1;
        }
        if i < end && self.is(i, "as") {
            i += 1; // `,” as Cruz said on the radio`
        }
        if i >= end || !self.is_word(i) {
            return None;
        }
        if self.is(i, "according") && i + 1 < end && self.is(i + 1, "to") {
            let np = self.phrase_after(i + 2)?;
            return Some(self.attribution(Some(np), i, i + 1));
        }
        if self.is_verb(i) {
            // `,” saying the city embodied …`: what follows a participle is
            // what was said, and its speaker is the subject before the
            // quotation.
            if is_participle(self.word(i)) {
                return None;
            }
            let np = self.phrase_after(i + 1).filter(|&(_, l)| l < end);
            return np.map(|np| self.attribution(Some(np), i, i));
        }
        // After `.”` a new sentence begins unless the verb comes at once
        // (`“We won.” Ann Lee said.`).
        let reach = if closed { 5 } else { 24 };
        let verb = (i..end.min(i + reach)).find(|&j| self.is_verb(j))?;
        if closed && (i..verb).any(|k| !self.is_word(k)) {
            return None;
        }
        // `,” in sharp contrast to 2012, says Dante Scala`; but after
        // `tell` comes the listener (`,” Butz, 49, told The Huffington Post`),
        // and a day is when (`, Donald Trump, tweeted Sunday`).
        if self.word(verb - 1) == "," && !self.lower_is(verb, &TELL) {
            let np = self.phrase_after(verb + 1).filter(|&(_, l)| l < end);
            if let Some(np) = np.filter(|&(f, _)| is_capitalized(self.word(f)) && !self.is_intro(f))
            {
                return Some(self.attribution(Some(np), verb, verb));
            }
        }
        let mut subject_end = verb;
        while subject_end > i && self.is_aux(subject_end - 1) {
            subject_end -= 1;
        }
        let np = self.subject_between(i, subject_end)?;
        Some(self.attribution(Some(np), verb, verb))
    }

    /// The speaker between a closing mark and its verb must be one noun
    /// phrase, possibly with an appositive: no clause words in between.
    fn subject_between(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        if end <= start {
            return None;
        }
        if let Some((first, last)) = self.phrase_before(end) {
            // `… at the convention, he said`
            if first == start || (first > start && self.word(first - 1) == ",") {
                return Some((first, last));
            }
        }
        let mut last = end - 1;
        while last > start && !self.is_word(last) {
            last -= 1;
        }
        const CLAUSE: WordList = WordList::new(&[
            "after", "although", "and", "because", "before", "but", "if", "that", "when", "while",
            "who",
        ]);
        let clause_word = (start..end).any(|k| self.is_word(k) && self.lower_is(k, &CLAUSE));
        let capital = self.is_word(start) && is_capitalized(self.word(start));
        let starts_np = capital || self.lower_is(start, &DETERMINERS) || self.is_pronoun(start);
        let apposition = (start..end).any(|k| self.word(k) == ",");
        let len = end - start;
        if starts_np && !clause_word && len <= 24 && (apposition || len <= 8) {
            return Some((start, last));
        }
        // `Harry Bond, 30, of Raleigh, who was polled, said`: the name.
        if capital && apposition && len <= 40 {
            let mut run = start;
            while run + 1 < end && self.is_word(run + 1) && is_capitalized(self.word(run + 1)) {
                run += 1;
            }
            return Some((start, run));
        }
        // `federal prosecutors wrote`
        let plain = (start..end).all(|k| self.is_word(k) && !self.lower_is(k, &NP_STOP));
        (plain && len <= 4).then_some((start, last))
    }

    /// Attribution before an opening mark, in tokens `start..end` (the
    /// sentence so far): `Shmyhal said: “`, `He added: “`, `Obama said,
    /// “`, `According to Ann Lee, “`, `Trump: “`.
    pub fn attribution_before(
        &self,
        start: usize,
        end: usize,
        reach: usize,
    ) -> Option<Attribution> {
        if end <= start {
            return None;
        }
        if let Some(a) = self.according_to(start, end) {
            return Some(a);
        }
        if let Some(a) = self.as_said(start, end) {
            return Some(a);
        }
        let lookback = end.saturating_sub(reach).max(start);
        if let Some(verb) = (lookback..end).rev().find(|&j| self.is_verb(j)) {
            let mut subject_end = verb;
            while subject_end > start && self.is_aux(subject_end - 1) {
                subject_end -= 1;
            }
            // `…, saying “…`: the participle's subject is the clause's,
            // also past an adverb (`…, recently telling one person …`).
            let participle = is_participle(self.word(verb))
                && subject_end > start
                && self.word(subject_end - 1) == ",";
            let np = (!participle)
                .then(|| self.phrase_before(subject_end))
                .flatten()
                .filter(|&(f, _)| f >= start)
                .map(|np| self.reporter(np, start).unwrap_or(np))
                // `Lazar said he welcomed it and added, “…`
                .or_else(|| {
                    (start..verb)
                        .rev()
                        .find_map(|v| self.is_verb(v).then(|| self.subject_of(v, start)).flatten())
                })
                .or_else(|| self.leading_phrase(start, verb))
                .or_else(|| {
                    // `But, said Solovey, “…`
                    self.phrase_after(verb + 1)
                        .filter(|&(f, l)| l < end && is_capitalized(self.word(f)))
                })
                .or_else(|| self.colon_speaker(start, end))
                // `And then Trump went on the attack, saying, “…`
                .or_else(|| self.first_actor(start, verb));
            return Some(self.attribution(np, verb, verb));
        }
        // `Donald Trump: "…"`, `More from the report: “…`
        if let Some(np) = self.colon_speaker(start, end) {
            return Some(self.attribution(Some(np), end - 1, end - 1));
        }
        // No speech verb: the subject of the sentence (`Clinton supports
        // "appropriate pay raises"`), without a cue.
        if let Some(np) = self.leading_phrase(start, end) {
            return Some(Attribution {
                speaker: Some(self.range(np.0, np.1)),
                cue: None,
            });
        }
        None
    }

    /// The subject of the clause that reports a pronoun's words: in
    /// `Trump said he responded: “…”` the quote is Trump's as the one who
    /// tells it, which is how PolNeAR and readers take it (its gold never
    /// gives the pronoun after `NAME said`).
    fn reporter(&self, np: (usize, usize), start: usize) -> Option<(usize, usize)> {
        if np.0 != np.1 || !self.is_pronoun(np.0) {
            return None;
        }
        let mut verb = np.0.checked_sub(1)?;
        if self.is(verb, "that") {
            verb = verb.checked_sub(1)?;
        }
        if verb < start || !self.is_finite_verb(verb) {
            return None;
        }
        // A name, not another pronoun (`She said she asked …`).
        self.subject_of(verb, start).filter(|&(f, l)| {
            !self.is_pronoun(f) && is_capitalized(self.word(f)) && is_capitalized(self.word(l))
        })
    }

    /// The phrase right before a final colon: `HuffPollster: “`, `More
    /// from Jones: “`, `From the report: “`.
    fn colon_speaker(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        let colon = end
            .checked_sub(1)
            .filter(|&c| c > start && self.word(c) == ":")?;
        let from = (colon.saturating_sub(6).max(start)..colon)
            .rev()
            .find(|&k| self.is(k, "from"));
        if let Some(k) = from {
            return self.phrase_after(k + 1).filter(|&(_, l)| l + 1 == colon);
        }
        self.phrase_before(colon)
            .filter(|&(f, l)| f >= start && is_capitalized(self.word(l)))
    }

    /// The first pronoun or name of a clause that acts before `verb`
    /// (followed by a lowercase word), when no better subject is found.
    fn first_actor(&self, start: usize, verb: usize) -> Option<(usize, usize)> {
        let followed_by_verb = |l: usize| {
            self.toks.get(l + 1).is_some_and(|t| {
                t.is_word && self.text[t.range.clone()].starts_with(|c: char| c.is_lowercase())
            })
        };
        let mut i = start;
        while i < verb {
            // `to bar Muslims from …`, `on Twitter before claiming`: a word
            // in an object's place acts in no clause of its own.
            if self.in_object_position(i) {
                i += 1;
                continue;
            }
            if self.is_word(i) && self.is_pronoun(i) && followed_by_verb(i) {
                return Some((i, i));
            }
            if self.is_word(i) && is_capitalized(self.word(i)) && !self.is_intro(i) {
                let mut last = i;
                while last + 1 < verb
                    && self.is_word(last + 1)
                    && is_capitalized(self.word(last + 1))
                {
                    last += 1;
                }
                if followed_by_verb(last) && !self.word(last).contains(['’', '\'']) {
                    return Some((i, last));
                }
                i = last;
            }
            i += 1;
        }
        None
    }

    /// `As White House press secretary Josh Earnest explained, …`
    fn as_said(&self, start: usize, end: usize) -> Option<Attribution> {
        if !self.is(start, "as") {
            return None;
        }
        let verb = (start + 2..end.min(start + 12)).find(|&v| self.is_verb(v))?;
        let np = self.subject_of(verb, start + 1)?;
        (np.0 == start + 1).then(|| self.attribution(Some(np), verb, verb))
    }

    fn according_to(&self, start: usize, end: usize) -> Option<Attribution> {
        let at = (start..end.saturating_sub(1))
            .find(|&i| self.is(i, "according") && self.is(i + 1, "to"))?;
        let np = self.phrase_after(at + 2).filter(|&(_, l)| l < end)?;
        Some(self.attribution(Some(np), at, at + 1))
    }

    /// An attribution to the phrase `np` with the verb at `verb` as cue.
    pub fn attribution_span(&self, np: (usize, usize), verb: usize) -> Attribution {
        self.attribution(Some(np), verb, verb)
    }

    fn attribution(
        &self,
        np: Option<(usize, usize)>,
        cue_first: usize,
        cue_last: usize,
    ) -> Attribution {
        Attribution {
            speaker: np.map(|(f, l)| self.range(f, l)),
            cue: Some(self.range(cue_first, cue_last)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::grammar::Paragraphs;
    use crate::text::ParagraphTokens;

    /// The speaker mention after the closing mark that ends `quote` in
    /// `text`, one paragraph.
    fn speaker_after(text: &str, quote: &str) -> Option<String> {
        let whole = 0..text.len();
        let tokens = ParagraphTokens::new(text, std::slice::from_ref(&whole));
        let paras = Paragraphs::new(text, &tokens);
        let t = paras.get(0).expect("one paragraph");
        let close = text.find(quote).expect("quote in text") + quote.len();
        let start = t.toks.partition_point(|k| k.range.start < close);
        let a = t.attribution_after(start, t.len(), false)?;
        a.speaker.map(|s| text[s].to_owned())
    }

    /// The speaker mention that the words before the first opening mark
    /// of `text` give, one paragraph, read from its first token.
    fn speaker_before(text: &str) -> Option<String> {
        let tokens = ParagraphTokens::new(text, std::slice::from_ref(&(0..text.len())));
        let paras = Paragraphs::new(text, &tokens);
        let t = paras.get(0).expect("one paragraph");
        let open = text.find('“').expect("an opening mark");
        let end = t.toks.partition_point(|k| k.range.start < open);
        let a = t.attribution_before(0, end, 16)?;
        a.speaker.map(|s| text[s].to_owned())
    }

    #[test]
    fn a_name_in_an_object_place_does_not_act() {
        // The words after an earlier quotation of the sentence.
        let text = "on Twitter before claiming that borders are “tearing families apart.”";
        assert_eq!(speaker_before(text), None);
        let text = "on his Facebook page, writing “Allow me to do the research.”";
        assert_eq!(speaker_before(text), None);
        // A name opening a clause still acts.
        let text = "And then Trump went on the attack, saying, “Is he going to resign?”";
        assert_eq!(speaker_before(text).as_deref(), Some("Trump"));
    }

    #[test]
    fn a_participle_after_an_adverb_takes_the_clause_subject() {
        let text = "Clinton voiced frustration, and even a little trepidation, about \
                    the debate, recently telling a friend she is unsure about “which \
                    Donald Trump will show up.”";
        assert_eq!(speaker_before(text).as_deref(), Some("Clinton"));
    }

    #[test]
    fn a_participle_after_the_quote_does_not_take_its_object_as_speaker() {
        let text = "Trump defended “New York values,” saying the city embodied courage.";
        assert_eq!(speaker_after(text, "“New York values,”"), None);
        // A finite verb still inverts: `,” said Mike Shields`.
        let text = "“We won,” said Mike Shields, the president.";
        assert_eq!(
            speaker_after(text, "“We won,”").as_deref(),
            Some("Mike Shields")
        );
    }

    #[test]
    fn the_listener_of_told_is_not_the_speaker() {
        let text = "“We are ready,” Ann Butz, 49, told The Huffington Post.";
        let speaker = speaker_after(text, "“We are ready,”").unwrap_or_default();
        assert!(speaker.starts_with("Ann Butz"), "{speaker}");
        let text = "“We won,” in sharp contrast to 2012, says Dante Scala.";
        assert_eq!(
            speaker_after(text, "“We won,”").as_deref(),
            Some("Dante Scala")
        );
    }
}
