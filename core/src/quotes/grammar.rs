//! The small grammar that attributions are made of, over the tokens of one
//! paragraph: speech verbs in use (not `the report`), the noun phrase that
//! speaks (`he`, `Ukrainian Prime Minister Denys Shmyhal`, `a campaign
//! spokesman`, `Ryan’s spokeswoman, AshLee Strong,`), and sentence edges.
//! [`super::patterns`] combines them into attribution patterns.

use std::cell::Cell;
use std::ops::Range;

use super::verbs::is_speech_verb;
use crate::gazetteer;
use crate::people::{is_capitalized, is_title};
use crate::swar::LOW_BITS;
use crate::text::{ParagraphTokens, Token};
use crate::words::WordList;

/// One paragraph's tokens with the text they index, and the facts about
/// each token that the patterns ask again and again (see [`Paragraphs`]).
#[derive(Clone, Copy)]
pub struct Toks<'a> {
    pub text: &'a str,
    pub toks: &'a [Token],
    /// The facts of `toks`, then those of the paragraphs after and
    /// [`FACTS_PADDING`] zeros, so that [`first_with`] can read eight at
    /// once from any token; only the first `toks.len()` are this
    /// paragraph's.
    facts: &'a [Cell<u8>],
}

/// Bits of a token's facts: it ends a sentence ([`Toks::ends_sentence`]).
const SENTENCE_END: u8 = 1;
/// It is a double quotation mark.
const QUOTE_MARK: u8 = 1 << 1;
/// [`Toks::is_verb`] has been asked, and its answer is [`VERB`].
const VERB_KNOWN: u8 = 1 << 2;
/// It is a speech verb in use ([`Toks::is_verb`]).
const VERB: u8 = 1 << 3;

/// The body paragraphs, with the facts about each token that every pattern
/// asks: indirect speech walks every sentence, each quotation looks for the
/// edges of its own, and neighbouring patterns test the same words for
/// verbs. So sentence ends and quotation marks are found once per token as
/// the paragraphs are read, and whether a word is a verb when first asked,
/// instead of at each look.
pub struct Paragraphs<'a> {
    text: &'a str,
    tokens: &'a ParagraphTokens,
    /// The facts of every token, paragraph after paragraph, as
    /// [`ParagraphTokens::all`] has the tokens.
    facts: Vec<Cell<u8>>,
}

impl<'a> Paragraphs<'a> {
    pub fn new(text: &'a str, tokens: &'a ParagraphTokens) -> Self {
        // A word has no facts until asked whether it is a verb: only the
        // marks, a quarter of the tokens, are written after the fill, and
        // only they are read.
        let facts = vec![Cell::new(0); tokens.all().len() + FACTS_PADDING];
        let mut paragraph = 0;
        let mut range = tokens.range(0).unwrap_or_default();
        for &m in tokens.marks() {
            while m >= range.end {
                paragraph += 1;
                range = tokens.range(paragraph).unwrap_or(m..m + 1);
            }
            let toks = &tokens.all()[range.clone()];
            facts[m].set(mark_facts(text, toks, m - range.start));
        }
        Self {
            text,
            tokens,
            facts,
        }
    }

    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// The tokens of paragraph `i`.
    pub fn get(&self, i: usize) -> Option<Toks<'_>> {
        let range = self.tokens.range(i)?;
        Some(Toks {
            text: self.text,
            toks: &self.tokens.all()[range.clone()],
            facts: &self.facts[range.start..],
        })
    }
}

/// The facts of token `i` of `toks`, no word: whether it ends a sentence
/// or is a quotation mark, and that it is no verb. (A word has none of
/// these; whether it is a verb is found when first asked.)
fn mark_facts(text: &str, toks: &[Token], i: usize) -> u8 {
    let range = toks[i].range.clone();
    // Told by the first byte for most marks (commas), without slicing.
    let mark = || &text[range.clone()];
    VERB_KNOWN
        | match text.as_bytes().get(range.start) {
            Some(&b @ (b'.' | b'?' | b'!' | b';'))
                if range.len() == 1 && ends_sentence(text, toks, i, b) =>
            {
                SENTENCE_END
            }
            Some(b'"' | 0xC2 | 0xE2) if matches!(mark(), "“" | "”" | "\"" | "«" | "»" | "„") => {
                QUOTE_MARK
            }
            _ => 0,
        }
}

/// Facts after the last token's, always zero: [`first_with`] reads eight
/// facts from any token.
const FACTS_PADDING: usize = 7;

/// The index of the first of `facts[range]` with a bit of `bit`. Eight
/// facts are tested at once, as the bytes of a word: indirect speech looks
/// through every sentence of the body for its end and for quotation marks,
/// some twenty tokens each, and a loop over the facts one by one takes
/// several instructions per token. The last word may reach past `range`
/// (`facts` has [`FACTS_PADDING`] more after it): a fact found there is
/// no answer, and there is one loop and one exit to mispredict, as in a
/// plain search.
fn first_with(facts: &[Cell<u8>], range: Range<usize>, bit: u8) -> Option<usize> {
    let Some(padded) = facts.get(..range.end + FACTS_PADDING) else {
        let rest = facts.get(range.clone())?;
        return rest
            .iter()
            .position(|f| f.get() & bit != 0)
            .map(|n| range.start + n);
    };
    let lanes = LOW_BITS * u64::from(bit);
    let mut k = range.start;
    while let Some(chunk) = padded.get(k..k + 8).filter(|_| k < range.end) {
        let word = u64::from_le_bytes(std::array::from_fn(|b| chunk[b].get()));
        let hits = word & lanes;
        if hits != 0 {
            return Some(k + hits.trailing_zeros() as usize / 8).filter(|&i| i < range.end);
        }
        k += 8;
    }
    None
}

/// Whether `mark`, token `i` (one byte), is a period, `?`, `!` or `;`
/// that ends a sentence (not the period of `Sen.` or `J.`). Every such
/// mark of the body is asked, so the token after it is told by its first
/// byte where that is ASCII, without slicing or decoding it.
fn ends_sentence(text: &str, toks: &[Token], i: usize, mark: u8) -> bool {
    // `R-Ky., said` or `Jan. 5 and later`: the sentence goes on.
    let goes_on = || {
        toks.get(i + 1).is_some_and(|n| {
            let first = text.as_bytes()[n.range.start];
            if !first.is_ascii() {
                return n.is_word
                    && text[n.range.clone()]
                        .chars()
                        .next()
                        .is_some_and(char::is_lowercase);
            }
            (n.range.len() == 1 && matches!(first, b',' | b')'))
                || (n.is_word && first.is_ascii_lowercase())
        })
    };
    match mark {
        b'?' | b'!' => !goes_on(),
        b';' => true,
        b'.' => {
            let after_abbreviation =
                i > 0 && toks[i - 1].is_word && is_abbreviation(&text[toks[i - 1].range.clone()]);
            !(after_abbreviation || goes_on())
        }
        _ => false,
    }
}

pub const PRONOUNS: WordList = WordList::new(&["he", "i", "it", "she", "they", "we", "you"]);

/// The longest stretch, in tokens, searched for a sentence boundary; news
/// sentences are far shorter, and attributions lie within a few words.
const SENTENCE_REACH: usize = 120;

/// Words between a speaker and its verb: `he later said`, `Cruz has
/// repeatedly argued`.
const AUX: WordList = WordList::new(&[
    "again",
    "already",
    "also",
    "are",
    "been",
    "being",
    "can",
    "could",
    "did",
    "do",
    "does",
    "even",
    "finally",
    "further",
    "had",
    "has",
    "have",
    "is",
    "just",
    "later",
    "may",
    "might",
    "must",
    "never",
    "not",
    "now",
    "often",
    "once",
    "only",
    "previously",
    "recently",
    "reportedly",
    "should",
    "soon",
    "still",
    "then",
    "was",
    "were",
    "will",
    "would",
    "yet",
]);

/// Words that start a noun phrase in lower case.
pub(super) const DETERMINERS: WordList = WordList::new(&[
    "a", "an", "another", "any", "both", "each", "few", "former", "her", "his", "its", "many",
    "most", "my", "no", "one", "other", "our", "several", "some", "that", "the", "their", "these",
    "this", "those", "three", "two", "your",
]);

/// Sentence openers that are not the subject (`However, one source …`).
const INTRO: WordList = WordList::new(&[
    "again",
    "alongside",
    "also",
    "although",
    "amid",
    "anyway",
    "asked",
    "besides",
    "between",
    "despite",
    "earlier",
    "even",
    "finally",
    "first",
    "following",
    "friday",
    "furthermore",
    "hence",
    "here",
    "however",
    "indeed",
    "instead",
    "last",
    "later",
    "meanwhile",
    "monday",
    "moreover",
    "nevertheless",
    "next",
    "nonetheless",
    "now",
    "otherwise",
    "plus",
    "regardless",
    "saturday",
    "second",
    "separately",
    "so",
    "speaking",
    "still",
    "sunday",
    "then",
    "there",
    "therefore",
    "this",
    "though",
    "thursday",
    "thus",
    "today",
    "tuesday",
    "unlike",
    "wait",
    "wednesday",
    "well",
    "what",
    "why",
    "yes",
    "yesterday",
    "yet",
]);

/// Words after which a speech-verb form is a noun (`the report`).
const ARTICLES: WordList = WordList::new(&[
    "a", "an", "her", "his", "its", "my", "our", "the", "their", "these", "this", "those", "your",
]);

/// How far an introductory phrase may run to its comma, in tokens: `In
/// rejecting a similar challenge to Cruz’s eligibility to appear on the
/// ballot for the state primary, the commission …` takes 18.
const INTRO_REACH: usize = 24;

/// Possessive determiners: a name after one qualifies a noun (`his
/// Facebook page`), it does not act.
const POSSESSIVES: WordList = WordList::new(&["her", "his", "its", "my", "our", "their", "your"]);

/// Words before a capitalized phrase that make it an object, not a
/// subject (`responded on Facebook writing`).
pub(super) const PREPOSITIONS: WordList = WordList::new(&[
    "about", "against", "at", "by", "during", "for", "from", "in", "into", "like", "of", "on",
    "over", "than", "to", "under", "via", "with",
]);

/// Words a speaker noun phrase does not contain.
pub(super) const NP_STOP: WordList = WordList::new(&[
    "about", "after", "although", "and", "are", "as", "at", "be", "because", "before", "but", "by",
    "during", "for", "from", "how", "if", "in", "into", "is", "not", "of", "on", "or", "over",
    "since", "so", "than", "that", "though", "to", "was", "were", "what", "when", "where",
    "whether", "which", "while", "who", "why", "with",
]);

/// Verbs that name what they quote (`called it “the least bad option”`),
/// speech only after their subject ([`Toks::is_verb`]).
const NAMING: WordList = WordList::new(&["call", "called", "calling", "calls"]);

/// Verbs that report speech with a particle: `shot back`, `chimed in`.
const PHRASAL_SPEECH: WordList =
    WordList::new(&["chimed", "cut", "fired", "hit", "pushed", "shot"]);

/// Past forms of speech verbs that do not end in `-ed` (`read` as in `,”
/// the editorial read`, spelled as its base).
const IRREGULAR_PAST: WordList = WordList::new(&["read", "said", "told", "wrote"]);

/// Speech-verb forms that cannot be nouns, besides those in `-ed`.
const FINITE_FORMS: WordList = WordList::new(&[
    "adds", "asks", "said", "says", "tells", "told", "writes", "wrote",
]);

/// Prepositions between a speaker's head noun and its object (`a
/// spokesman for Bernie Sanders`).
const OBJECT_PREPOSITIONS: WordList = WordList::new(&["at", "for", "of"]);

/// Conjunctions that may open a clause before its subject (`And he …`).
const CONJUNCTIONS: WordList = WordList::new(&["and", "but", "or", "so", "yet"]);

impl<'a> Toks<'a> {
    pub fn len(&self) -> usize {
        self.toks.len()
    }

    pub fn word(&self, i: usize) -> &'a str {
        &self.text[self.toks[i].range.clone()]
    }

    pub fn is_word(&self, i: usize) -> bool {
        self.toks[i].is_word
    }

    /// Whether token `i` is in `list`, ignoring ASCII case. Inlined: the
    /// patterns ask it of most words they pass, and the lookup is shorter
    /// than a call.
    #[inline]
    pub(super) fn lower_is(&self, i: usize, list: &WordList) -> bool {
        list.contains(self.word(i))
    }

    /// Whether token `i` is `word`, ignoring ASCII case. Compares lengths
    /// first: patterns ask it of every token of a window.
    pub(super) fn is(&self, i: usize, word: &str) -> bool {
        let r = &self.toks[i].range;
        r.len() == word.len() && self.word(i).eq_ignore_ascii_case(word)
    }

    pub fn is_pronoun(&self, i: usize) -> bool {
        self.is_word(i) && self.lower_is(i, &PRONOUNS)
    }

    /// A sentence opener that is not its subject: `However,`, `In 2012`,
    /// `Specifically`, `Citing …`, `Preceded by …`.
    pub(super) fn is_intro(&self, i: usize) -> bool {
        let w = self.word(i);
        let suffix = |s: &str| {
            w.len() > s.len()
                && w.get(w.len() - s.len()..)
                    .is_some_and(|e| e.eq_ignore_ascii_case(s))
        };
        // `Specifically,`, `Citing a report`, but not `Carly Fiorina`.
        let before_name = self
            .toks
            .get(i + 1)
            .is_some_and(|t| t.is_word && is_capitalized(&self.text[t.range.clone()]));
        self.lower_is(i, &NP_STOP)
            || self.lower_is(i, &INTRO)
            || self.lower_is(i, &PREPOSITIONS)
            || (self.is_word(i)
                && w.len() > 4
                && !before_name
                && (suffix("ly") || suffix("ing") || suffix("ed")))
    }

    /// Whether word `i` stands where an object does, not a subject: after
    /// a preposition (`on Twitter`) or a possessive, where a name only
    /// qualifies the noun after it (`on his Facebook page`), or after a
    /// lowercase word that neither
    /// opens a noun phrase or a clause nor qualifies a verb (`to bar
    /// Muslims from …`). A subject follows a sentence edge, a mark, a
    /// determiner (`all GOPers`), a conjunction or subordinator (`and`,
    /// `when`), or an adverb (`then`, `reportedly`).
    pub(super) fn in_object_position(&self, i: usize) -> bool {
        let Some(p) = i.checked_sub(1).filter(|&p| self.is_word(p)) else {
            return false;
        };
        if self.lower_is(p, &PREPOSITIONS) || self.lower_is(p, &POSSESSIVES) {
            return true;
        }
        !is_capitalized(self.word(p))
            && !self.lower_is(p, &DETERMINERS)
            && !self.is(p, "all")
            && !self.lower_is(p, &CONJUNCTIONS)
            && !self.lower_is(p, &NP_STOP)
            && !self.lower_is(p, &INTRO)
            && !self.is_aux(p)
    }

    /// A speech verb used as a verb: lowercase (`United States` is not
    /// one) and not after an article or a possessive (`Trump’s remarks`).
    /// Patterns ask it of the same words many times, so the answer is
    /// kept, and read without a call.
    #[inline]
    pub fn is_verb(&self, i: usize) -> bool {
        let facts = self.facts[i].get();
        if facts & VERB_KNOWN != 0 {
            return facts & VERB != 0;
        }
        self.learn_verb(i, facts)
    }

    /// [`Toks::is_verb`] asked of token `i` (with facts `facts`) for the
    /// first time: finds the answer and keeps it.
    #[inline(never)]
    fn learn_verb(&self, i: usize, facts: u8) -> bool {
        let verb = self.find_verb(i);
        self.facts[i].set(facts | VERB_KNOWN | if verb { VERB } else { 0 });
        verb
    }

    /// [`Toks::is_verb`] for a word, from its neighbours.
    fn find_verb(&self, i: usize) -> bool {
        let w = self.word(i);
        // `shot back`, `fired back`, `chimed in`
        if PHRASAL_SPEECH.contains(w) {
            return self
                .toks
                .get(i + 1)
                .is_some_and(|t| matches!(&self.text[t.range.clone()], "back" | "in"));
        }
        // `as Ann Lee put it`, `as Milbank puts it`
        if w.eq_ignore_ascii_case("put") || w.eq_ignore_ascii_case("puts") {
            return self
                .toks
                .get(i + 1)
                .is_some_and(|t| self.text[t.range.clone()].eq_ignore_ascii_case("it"));
        }
        // `Skelly called Braynard “…”`, `what he calls “…”`, `…, calling
        // him “…”`: a naming verb reports words right after its subject, a
        // name or a pronoun (or the comma of a participle), where after a
        // noun it names (`a play called “…”`). After a possessive it is a
        // noun whose words are the possessor's (`Trump’s call for “…”`),
        // which the phrase before it gives all the same.
        if NAMING.contains(w) {
            return i.checked_sub(1).is_some_and(|p| {
                self.is_pronoun(p)
                    || (self.is_word(p) && is_capitalized(self.word(p)))
                    || (self.word(p) == "," && w.eq_ignore_ascii_case("calling"))
            });
        }
        // `United States` is no verb; `Tweeted` after a name is one. (Asked
        // before the lexicon, which costs more.)
        if w.chars().next().is_some_and(char::is_uppercase) && !w.ends_with("ed") {
            return false;
        }
        if !is_speech_verb(w) {
            return false;
        }
        // `the report`, `Trump’s remarks`, `a snappy retort`
        let marks_noun = |k: usize| {
            self.is_word(k) && (self.lower_is(k, &ARTICLES) || is_possessive(self.word(k)))
        };
        // Two words back only for a bare form (`a snappy retort`), as
        // `the campaign said` or `his aide notes` are verbs.
        let bare = !w.ends_with('s') && !w.ends_with("ed") && !self.lower_is(i, &IRREGULAR_PAST);
        let noun = i > 0
            && (marks_noun(i - 1)
                || (i > 1
                    && bare
                    && marks_noun(i - 2)
                    && self.is_word(i - 1)
                    && !self.is_aux(i - 1)
                    && !self.is_pronoun(i - 1)));
        !noun
    }

    /// A speech verb in a form that cannot be a noun (`said`, `added`),
    /// unlike `state` or `report` in `state news agency`.
    pub(super) fn is_finite_verb(&self, i: usize) -> bool {
        self.is_verb(i) && (self.word(i).ends_with("ed") || self.lower_is(i, &FINITE_FORMS))
    }

    pub(super) fn is_aux(&self, i: usize) -> bool {
        self.is_word(i)
            && (self.lower_is(i, &AUX)
                || (self.word(i).ends_with("ly") && !is_capitalized(self.word(i))))
    }

    pub(super) fn range(&self, first: usize, last: usize) -> Range<usize> {
        self.toks[first].range.start..self.toks[last].range.end
    }

    /// A period, `?`, `!` or `;` that ends a sentence (not the period of
    /// `Sen.` or `J.`).
    pub fn ends_sentence(&self, i: usize) -> bool {
        self.facts[i].get() & SENTENCE_END != 0
    }

    /// Whether tokens `start..end` hold a double quotation mark.
    pub fn has_quote_mark(&self, start: usize, end: usize) -> bool {
        first_with(self.facts, start..end, QUOTE_MARK).is_some()
    }

    /// The index after the last sentence end before `end`, looking back
    /// at most [`SENTENCE_REACH`] tokens so that a paragraph of many quotes
    /// without a period stays linear.
    pub fn sentence_start(&self, end: usize) -> usize {
        let floor = end.saturating_sub(SENTENCE_REACH);
        self.facts[..self.toks.len()]
            .get(floor..end)
            .and_then(|facts| facts.iter().rposition(|f| f.get() & SENTENCE_END != 0))
            .map_or(floor, |k| floor + k + 1)
    }

    /// The index of the first sentence end from `start`, looking ahead at
    /// most [`SENTENCE_REACH`] tokens, or where the look stopped.
    pub fn sentence_end(&self, start: usize) -> usize {
        let ceiling = self.len().min(start.saturating_add(SENTENCE_REACH));
        first_with(self.facts, start..ceiling, SENTENCE_END).unwrap_or(ceiling)
    }

    /// The noun phrase that ends right before token `end` (exclusive):
    /// a pronoun, a capitalized name with any role words before it, an
    /// appositive `Name, a role,`, or a lowercase phrase back to its
    /// determiner. Returns its first and last token.
    pub fn phrase_before(&self, end: usize) -> Option<(usize, usize)> {
        let last = end.checked_sub(1)?;
        if !self.is_word(last) {
            return match self.word(last) {
                // `Gov. John Kasich (R-OH), said`
                "," if last > 0 && self.word(last - 1) == ")" => self.phrase_before(last),
                "," => self.apposition_before(last),
                // `Rep. Earl Blumenauer (D-Ore.) said`
                ")" => {
                    let open = (last.saturating_sub(10)..last)
                        .rev()
                        .find(|&k| self.word(k) == "(")?;
                    self.phrase_before(open)
                }
                _ => None,
            };
        }
        if self.is_pronoun(last) {
            return Some((last, last));
        }
        if self.lower_is(last, &NP_STOP) || self.is_finite_verb(last) {
            return None;
        }
        let mut first = last;
        let mut determiner = false;
        while first > 0 && last - first < 8 {
            let p = first - 1;
            let ok_word = self.is_word(p)
                && !self.lower_is(p, &NP_STOP)
                && !self.is_finite_verb(p)
                && !self.is_pronoun(p);
            let abbr_period = !self.is_word(p)
                && self.word(p) == "."
                && p > 0
                && self.is_word(p - 1)
                && is_abbreviation(self.word(p - 1));
            if !(ok_word || abbr_period) {
                break;
            }
            first = p;
            // The `A` of `James A. Baker` is an initial, not the article.
            let initial = self.word(p + 1) == ".";
            if self.lower_is(p, &DETERMINERS) && !initial {
                determiner = true;
                break;
            }
        }
        let object =
            first > 0 && self.is_word(first - 1) && self.lower_is(first - 1, &PREPOSITIONS);
        if object {
            // `a spokesman for Bernie Sanders said`: the head before `for`.
            let of = first - 1;
            if self.lower_is(of, &OBJECT_PREPOSITIONS) {
                return self.phrase_before(of).map(|(f, _)| (f, last));
            }
            return None;
        }
        let capitalized = is_capitalized(self.word(last))
            || is_capitalized(self.word(first))
            || determiner
            || is_title(self.word(last));
        capitalized.then_some((first, last))
    }

    /// `Doug Andres, a spokesman for the speaker, said`: the phrase before
    /// the first comma, through the second.
    fn apposition_before(&self, comma: usize) -> Option<(usize, usize)> {
        let open = (comma.saturating_sub(16)..comma)
            .rev()
            .find(|&i| !self.is_word(i) && self.word(i) == ",")?;
        if (open..comma).any(|i| self.ends_sentence(i)) {
            return None;
        }
        let (first, _) = self.phrase_before(open)?;
        Some((first, comma - 1))
    }

    /// The noun phrase starting at token `start`: `said Mike Shields, the
    /// president …` → `Mike Shields`; `said the Democratic nominee.`.
    pub fn phrase_after(&self, start: usize) -> Option<(usize, usize)> {
        let mut i = start;
        while i < self.len() && i - start < 12 {
            let stop = if self.is_word(i) {
                // `said Secretary of State John Kerry`: `of` after a title
                // goes on with the office, and the word after `of` is no
                // verb (`said former secretary of state Hillary Clinton`).
                let office = i > start && self.is(i, "of") && is_title(self.word(i - 1));
                let after_of = i > start && self.is(i - 1, "of");
                (self.lower_is(i, &NP_STOP) && !office)
                    || (self.is_verb(i) && !after_of)
                    || (i > start && self.is_pronoun(i))
            } else {
                let abbr_period =
                    self.word(i) == "." && i > start && is_abbreviation(self.word(i - 1));
                !(abbr_period || matches!(self.word(i), "’" | "'" | "-"))
            };
            if stop {
                break;
            }
            i += 1;
        }
        let last = i.checked_sub(1).filter(|&l| l >= start)?;
        // `said retired neurosurgeon Ben Carson`, `said RNC spokesman …`
        let named = (start..=last).any(|k| {
            self.is_word(k)
                && (self.word(k).chars().next().is_some_and(char::is_uppercase)
                    || is_title(self.word(k)))
        });
        let first_ok = self.is_pronoun(start) || self.lower_is(start, &DETERMINERS) || named;
        (first_ok && self.is_word(start)).then_some((start, last))
    }

    /// The subject of a clause starting at `start`, before `end`: a
    /// pronoun, a capitalized run, or an article and up to three words
    /// (`The judge`), after any introductory phrase (`On Twitter, she …`,
    /// `In a statement Tuesday, Tom Fitton …`).
    pub fn leading_phrase(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        let mut i = start;
        while i < end && !self.is_word(i) {
            i += 1;
        }
        // Skip conjunctions and introductory phrases up to their comma:
        // `But he`, `In a wide-ranging, in-prison interview last year, Lazar`.
        let mut after_intro = false;
        for _ in 0..4 {
            if i >= end {
                return None;
            }
            if self.lower_is(i, &CONJUNCTIONS) {
                i += 1;
            } else if !self.is_word(i) || self.is_intro(i) {
                let comma = (i..end.min(i + INTRO_REACH)).find(|&k| self.word(k) == ",")?;
                i = comma + 1;
                after_intro = true;
            } else if let Some(comma) = after_intro.then(|| self.place_then_comma(i, end)).flatten()
            {
                // `Speaking in Salem, New Hampshire, Trump …`: the state
                // ends the phrase before it.
                i = comma + 1;
            } else {
                break;
            }
        }
        if i >= end || !self.is_word(i) || self.is_intro(i) {
            return None;
        }
        if self.is_pronoun(i) {
            return Some((i, i));
        }
        // `It’s`, `There’s`: a contraction, not a name. Asked here, not in
        // `is_possessive`: its other caller, the noun test before a verb,
        // changed which quotes were found when it was (tried on PolNeAR).
        let w = self.word(i);
        if w.contains(['’', '\'']) && (!is_possessive(w) || is_contraction(w)) {
            return None;
        }
        if let Some(pronoun) = self.pronoun_after_intro(i, end) {
            return Some((pronoun, pronoun));
        }
        if self.lower_is(i, &DETERMINERS) {
            let last = self.noun_words_after(i, end);
            return (last > i).then_some((i, last));
        }
        let mut last = self.capitalized_run(i, end);
        // `Maybe he figures …`: a word before the subject pronoun is an
        // adverb, not a name (a name and a pronoun never stand side by side
        // as one subject).
        if last == i && is_capitalized(self.word(i)) && last + 1 < end && self.is_pronoun(last + 1)
        {
            return Some((last + 1, last + 1));
        }
        while let Some(name_last) = self.name_after_role(last, end) {
            last = name_last;
        }
        // `Clinton’s top aide rallied supporters, saying “…”`: the aide
        // speaks, not Clinton.
        if is_possessive(self.word(last)) {
            last = self.noun_words_after(last, end);
        }
        let followed = self
            .toks
            .get(last + 1)
            .is_some_and(|t| !t.is_word || !is_capitalized(&self.text[t.range.clone()]));
        (is_capitalized(self.word(i)) && followed && !self.lower_is(i, &NP_STOP))
            .then_some((i, last))
    }

    /// The last of up to three words after token `at` (a determiner or a
    /// possessive name) that belong to the noun phrase it opens, before
    /// `end`; `at` itself when none does. A stop word, a speech verb or a
    /// pronoun ends the phrase; past its first word, so do an auxiliary
    /// or adverb (`The inquiry | has`) and a past form not after an adverb
    /// (`the retired general`, `the newly elected mayor`, but `the
    /// Stanford graduate | ended her speech`).
    fn noun_words_after(&self, at: usize, end: usize) -> usize {
        let mut last = at;
        while last + 1 < end && last < at + 3 {
            let k = last + 1;
            // Past the first word: `the famously gruff senator`.
            let inner = k > at + 1;
            let past_form =
                inner && self.word(k).ends_with("ed") && !self.word(last).ends_with("ly");
            if !self.is_word(k)
                || past_form
                || (inner && self.is_aux(k))
                || self.lower_is(k, &NP_STOP)
                || self.is_verb(k)
                || self.is_pronoun(k)
            {
                break;
            }
            last = k;
        }
        last
    }

    /// The pronoun right after the comma that ends an opening phrase
    /// (`Eight years ago, he`, `Ever since Sanders announced his run,
    /// he`): a pronoun never stands in apposition, so the words before the
    /// comma are not the subject but when or why. Looks a few tokens
    /// ahead of `first`, before `end`.
    fn pronoun_after_intro(&self, first: usize, end: usize) -> Option<usize> {
        let comma = (first + 1..end.min(first + 12))
            .take_while(|&k| !self.ends_sentence(k) && self.facts[k].get() & QUOTE_MARK == 0)
            .find(|&k| self.word(k) == ",")?;
        (comma + 1 < end && self.is_pronoun(comma + 1)).then_some(comma + 1)
    }

    /// The comma after a place the gazetteer knows that opens at `first`
    /// (`New Hampshire,`, or an AP abbreviation with its period: `Colo.,`),
    /// if one follows it.
    fn place_then_comma(&self, first: usize, end: usize) -> Option<usize> {
        let mut last = self.capitalized_run(first, end);
        if last + 2 < end && self.word(last + 1) == "." && self.word(last + 2) == "," {
            last += 1;
        }
        let place = gazetteer::lookup(&self.text[self.range(first, last)])?;
        (place.class == gazetteer::Class::Place && last + 1 < end && self.word(last + 1) == ",")
            .then_some(last + 1)
    }

    /// The last token of the run of capitalized words from `first`, before
    /// `end`.
    fn capitalized_run(&self, first: usize, end: usize) -> usize {
        let mut last = first;
        while last + 1 < end && self.is_word(last + 1) && is_capitalized(self.word(last + 1)) {
            last += 1;
        }
        last
    }

    /// When the capitalized run ending at `last` only opens a longer
    /// subject, the last token of the name it leads to: over a title's
    /// period (`Sen. Marco Rubio`) or role words (`Democratic candidate
    /// Hillary Clinton`, `Republican presidential nominee Donald Trump`).
    /// Without this the subject stopped at `Sen` or `Democratic`, and that
    /// word became the speaker's name.
    fn name_after_role(&self, last: usize, end: usize) -> Option<usize> {
        let next = last + 1;
        if next < end && self.word(next) == "." && is_abbreviation(self.word(last)) {
            let name = next + 1;
            return (name < end && self.is_word(name) && is_capitalized(self.word(name)))
                .then(|| self.capitalized_run(name, end));
        }
        let roles = (next..end.min(next + 3))
            .take_while(|&k| {
                self.is_word(k)
                    && !is_capitalized(self.word(k))
                    && !self.lower_is(k, &NP_STOP)
                    && !self.is_verb(k)
                    && !self.is_pronoun(k)
            })
            .count();
        let name = next + roles;
        let role_words = (next..name).any(|k| is_title(self.word(k)));
        (role_words && name < end && self.is_word(name) && is_capitalized(self.word(name)))
            .then(|| self.capitalized_run(name, end))
    }

    /// The subject of the verb at `verb`, within the sentence from `start`.
    pub fn subject_of(&self, verb: usize, start: usize) -> Option<(usize, usize)> {
        let mut end = verb;
        while end > start && self.is_aux(end - 1) {
            end -= 1;
        }
        self.phrase_before(end).filter(|&(f, _)| f >= start)
    }

    /// The byte range from token `first` to token `last`, both included.
    pub fn span(&self, first: usize, last: usize) -> Range<usize> {
        self.range(first, last)
    }
}

fn is_possessive(word: &str) -> bool {
    ["’s", "'s", "s’", "s'"].iter().any(|s| word.ends_with(s))
}

/// `It’s`, `That's`, `There’s`: `'s` after a pronoun or one of these
/// words is `is` or `has`, never a possessive (`its`, not `it's`).
fn is_contraction(word: &str) -> bool {
    let stem = word.trim_end_matches(['s', 'S']);
    let stem = stem
        .strip_suffix('’')
        .or_else(|| stem.strip_suffix('\''))
        .unwrap_or(stem);
    CONTRACTED.contains(stem) || PRONOUNS.contains(stem)
}

/// Words whose `'s` is a contraction, besides the [`PRONOUNS`].
const CONTRACTED: WordList = WordList::new(&["here", "that", "there", "what", "where", "who"]);

/// A single capital (`J`) or a short title (`Sen`, `Mr`), after which a
/// period does not end the sentence.
fn is_abbreviation(word: &str) -> bool {
    // A character takes at most four bytes; most words before a period
    // are longer and need only the scan for a period.
    let short = word.len() <= 4;
    (short && word.chars().count() == 1)
        || word.bytes().any(|b| b == b'.')
        || (short && is_capitalized(word) && is_title(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The subject [`Toks::leading_phrase`] finds in `text`, one paragraph.
    fn leading(text: &str) -> Option<String> {
        let whole = 0..text.len();
        let tokens = ParagraphTokens::new(text, std::slice::from_ref(&whole));
        let paras = Paragraphs::new(text, &tokens);
        let t = paras.get(0).expect("one paragraph");
        let (first, last) = t.leading_phrase(0, t.len())?;
        Some(text[t.span(first, last)].to_owned())
    }

    #[test]
    fn first_with_finds_what_a_plain_search_finds() {
        for len in 0..20 {
            for at in 0..len {
                // Quotation marks at `at` and after the range searched.
                let facts: Vec<Cell<u8>> = (0..len + FACTS_PADDING)
                    .map(|k| Cell::new(if k == at || k >= len { QUOTE_MARK } else { 0 }))
                    .collect();
                for start in 0..=len {
                    for end in start..=len {
                        let plain = (start..end).find(|&k| facts[k].get() & QUOTE_MARK != 0);
                        assert_eq!(first_with(&facts, start..end, QUOTE_MARK), plain);
                        // Without the padding: one by one.
                        let unpadded = &facts[..end];
                        assert_eq!(first_with(unpadded, start..end, QUOTE_MARK), plain);
                        assert_eq!(first_with(&facts, start..end, SENTENCE_END), None);
                    }
                }
            }
        }
    }

    #[test]
    fn a_noun_phrase_after_an_article_or_possessive_stops_at_the_verb() {
        for (text, subject) in [
            ("The inquiry has frustrated officials", "The inquiry"),
            (
                "The Stanford graduate ended her speech",
                "The Stanford graduate",
            ),
            (
                "The famously gruff senator said so",
                "The famously gruff senator",
            ),
            ("The newly elected mayor spoke", "The newly elected mayor"),
            (
                "Clinton’s top aide rallied supporters",
                "Clinton’s top aide",
            ),
            // An AP state abbreviation ends an opening phrase as a state does.
            (
                "At a conference in Aspen, Colo., the Stanford graduate ended her speech",
                "the Stanford graduate",
            ),
        ] {
            assert_eq!(leading(text).as_deref(), Some(subject), "{text}");
        }
    }

    #[test]
    fn an_opening_phrase_before_a_pronoun_is_not_the_subject() {
        assert_eq!(
            leading("Eight years ago, he backed Obama over Clinton").as_deref(),
            Some("he")
        );
        assert_eq!(
            leading("Ever since Bernie Sanders announced his run, he has repeated it").as_deref(),
            Some("he")
        );
        // A name with a role in apposition stays the subject.
        assert_eq!(
            leading("Ann Lee, a senator, backed the bill").as_deref(),
            Some("Ann Lee")
        );
    }

    #[test]
    fn a_long_opening_phrase_is_skipped_to_its_comma() {
        assert_eq!(
            leading(
                "In rejecting a similar challenge to the eligibility of Ted Cruz to \
                 appear on the ballot for the primary, Judge Ann Lee ruled"
            )
            .as_deref(),
            Some("Judge Ann Lee")
        );
    }
}
