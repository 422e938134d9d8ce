//! People: names, the roles the text gives them, and their mentions.
//!
//! One notion of a person serves both the `entities.people` output and the
//! quote speakers, so `Zelenskyy`, `Volodymyr Zelenskyy` and `Ukrainian
//! President Volodymyr Zelenskyy` are one person everywhere.
//!
//! A person is a run of capitalized words that a cue marks as a name: a
//! title before it (`Prime Minister`, `Sen.`, `spokeswoman`), a common
//! given name at its start, an appositive role (`Kim Lee, executive
//! director of …,`) or a speech verb right after it (`Ann Fox said`). Runs
//! with none of these cues (`Since October`, `Advertisement`, `European`)
//! are not people, which keeps sentence-initial capitals and places out
//! without a gazetteer. Once the full names are known, every later
//! surname (`Shmyhal`) is a mention of the person introduced with it.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher, RandomState};
use std::ops::Range;
use std::sync::OnceLock;

use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::gazetteer;
use crate::text::{ParagraphTokens, Token};
use crate::words::WordList;
use crate::Doc;

/// A person found in the body, in byte ranges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonFound {
    /// The canonical (longest) name, e.g. `Volodymyr Zelenskyy`.
    pub name: String,
    /// Titles given in the text, e.g. `Ukrainian President`.
    pub roles: Vec<String>,
    /// Every mention of the person by name, in text order.
    pub mentions: Vec<Range<usize>>,
    /// What the given name or an honorific tells, for resolving `he`/`she`.
    pub gender: Option<Gender>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Male,
    Female,
}

/// Given names, titles and the words that end a name, loaded once from the
/// data files compiled into the binary.
struct Lexicon {
    /// Lowercase title or role word → its [`Facts`] as a title (`Mrs`
    /// marks a woman): for the words asked only whether they are titles.
    titles: Gendered,
    /// Every word of the titles, the given names, [`NOT_NAME`] and
    /// [`ORG_WORDS`] → all its [`Facts`]: [`classify`] asks each of them
    /// of every word of a run, and one lookup answers them all.
    run_words: Gendered,
}

/// What the lexicon tells of a word, in bits: whether it is a title and
/// the gender it marks, whether it is a given name and the gender it
/// usually marks, and whether it is in [`NOT_NAME`] or [`ORG_WORDS`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Facts(u8);

impl Facts {
    /// A title; the two bits above it, the gender it marks.
    const TITLE: u8 = 1;
    /// A given name; the two bits above it, the gender it marks.
    const FIRST_NAME: u8 = 1 << 3;
    const NOT_NAME: u8 = 1 << 6;
    const ORG_WORD: u8 = 1 << 7;
    /// The bits of the lexicon files: those asked of a word through its
    /// Unicode lowercase form. The fixed lists are matched in ASCII only.
    const FROM_FILES: u8 = Self::NOT_NAME - 1;

    /// A word of the `kind` file (`TITLE` or `FIRST_NAME`) with `gender`.
    fn of(kind: u8, gender: Option<Gender>) -> Self {
        Self(match gender {
            None => kind,
            Some(Gender::Male) => kind | kind << 1,
            Some(Gender::Female) => kind | kind << 2,
        })
    }

    /// These facts with `other`'s added: a title or given name in `other`
    /// replaces the one here (a word listed twice keeps its last gender).
    fn with(self, other: Self) -> Self {
        let mut bits = self.0;
        for kind in [Self::TITLE, Self::FIRST_NAME] {
            if other.0 & kind != 0 {
                bits &= !(kind * 0b111);
            }
        }
        Self(bits | other.0)
    }

    /// `Some` with the gender it marks when the word is of `kind`.
    fn gendered(self, kind: u8) -> Option<Option<Gender>> {
        // The two bits above `kind`, read from a table: no branch.
        const GENDERS: [Option<Gender>; 4] = [
            None,
            Some(Gender::Male),
            Some(Gender::Female),
            Some(Gender::Male),
        ];
        let gender = GENDERS[usize::from(((self.0 / kind) >> 1) & 0b11)];
        (self.0 & kind != 0).then_some(gender)
    }

    /// `Some` with the gender it marks for a title, `None` for another
    /// word.
    fn title(self) -> Option<Option<Gender>> {
        self.gendered(Self::TITLE)
    }

    /// `Some` with the gender it marks for a given name, `None` for
    /// another word.
    fn first_name(self) -> Option<Option<Gender>> {
        self.gendered(Self::FIRST_NAME)
    }

    /// A word of [`NOT_NAME`].
    fn not_name(self) -> bool {
        self.0 & Self::NOT_NAME != 0
    }

    /// A word of [`ORG_WORDS`].
    fn org_word(self) -> bool {
        self.0 & Self::ORG_WORD != 0
    }
}

/// A lexicon: its words packed by [`pack`], each with its [`Facts`], in
/// an open-addressing hash table. Hashing one integer is much cheaper
/// than lowercasing, validating and hashing a string for every lookup,
/// and most lookups (a name asked whether it is a title) miss at once.
struct Gendered {
    /// A power of two of slots, at most half of them full: the packed word
    /// in each, or 0 for none (a packed word holds its length, at least
    /// one). Keys apart from facts: the probes read 16 bytes a slot.
    keys: Vec<u128>,
    /// The facts of each slot's word; none for an empty slot.
    facts: Vec<Facts>,
    /// The [`filter_bit`] of every word: a word whose bit is not set is
    /// rejected before it is packed (see [`Gendered::may_hold`]).
    filter: [u64; FILTER_BITS / 64],
}

/// Bits of a lexicon's filter: some eight times its words, so that few
/// other words find their bit set.
const FILTER_BITS: usize = 8192;

impl Gendered {
    /// Builds the table; a key given twice has its facts combined by
    /// [`Facts::with`], in order.
    fn new(entries: &[(u128, Facts)]) -> Self {
        let slots = (entries.len() * 2).next_power_of_two();
        let mut table = Self {
            keys: vec![0; slots],
            facts: vec![Facts::default(); slots],
            filter: [0; FILTER_BITS / 64],
        };
        for &(key, facts) in entries {
            debug_assert!(key != 0, "a packed word is never 0");
            let i = table.find_slot(key);
            table.keys[i] = key;
            table.facts[i] = table.facts[i].with(facts);
            // A word of one byte has a zero second byte, as in `may_hold`.
            let bytes = key.to_le_bytes();
            let len = usize::from(bytes[15]);
            let bit = filter_bit(bytes[0], bytes[1], bytes[len.max(1) - 1]);
            table.filter[bit / 64] |= 1 << (bit % 64);
        }
        table
    }

    /// False when no word of the lexicon can equal `word` ignoring case.
    /// When its first two bytes (the first and a zero for a word of one
    /// byte) and its last byte are ASCII they are those of the word
    /// lowercased, up to case, which [`filter_bit`] ignores; a word with
    /// another character there may lowercase to anything.
    fn may_hold(&self, word: &str) -> bool {
        let bytes = word.as_bytes();
        let second = bytes.get(1).copied().unwrap_or(0);
        match (bytes.first(), bytes.last()) {
            (Some(&first), Some(&last)) if (first | second | last).is_ascii() => {
                let bit = filter_bit(first, second, last);
                self.filter[bit / 64] >> (bit % 64) & 1 == 1
            }
            _ => true,
        }
    }

    fn get(&self, key: u128) -> Facts {
        self.facts[self.find_slot(key)]
    }

    /// The slot that holds `key`, or the empty slot where it would go.
    fn find_slot(&self, key: u128) -> usize {
        let mask = self.keys.len() - 1;
        // Fibonacci hashing of both halves folded together.
        let folded = (key as u64) ^ ((key >> 64) as u64);
        let mut i = (folded.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize & mask;
        while self.keys[i] != 0 && self.keys[i] != key {
            i = (i + 1) & mask;
        }
        i
    }
}

/// A filter bit for the first two bytes and the last byte of a word: their
/// low five bits (the same for a letter in either case), hashed.
fn filter_bit(first: u8, second: u8, last: u8) -> usize {
    let key =
        u64::from(first & 0x1f) << 10 | u64::from(second & 0x1f) << 5 | u64::from(last & 0x1f);
    // Fibonacci hashing: the top bits of the product, as many as index
    // the filter.
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - FILTER_BITS.trailing_zeros())) as usize
}

/// Packs a word into one integer, ignoring ASCII case: its bytes
/// lowercased in the low bytes, its length in the top byte. `None` for a
/// word that is not ASCII or longer than 15 bytes.
///
/// The bytes are tested and lowercased all sixteen at once (SWAR), which
/// costs a few instructions whatever the word's length.
fn pack(word: &[u8]) -> Option<u128> {
    const ONES: u128 = u128::MAX / 0xFF;
    const HIGH: u128 = 0x80 * ONES;
    if word.len() > 15 {
        return None;
    }
    let mut bytes = [0u8; 16];
    bytes[..word.len()].copy_from_slice(word);
    let packed = u128::from_le_bytes(bytes);
    if packed & HIGH != 0 {
        return None;
    }
    // Per byte, the high bit set when the byte is at least `n` (no sum
    // carries: every byte is below 0x80).
    let at_least = |n: u8| (packed + u128::from(0x80 - n) * ONES) & HIGH;
    let upper = at_least(b'A') & !at_least(b'Z' + 1);
    // Bit 5 (0x20, the high bit shifted right twice) lowercases a capital.
    Some(packed | upper >> 2 | (word.len() as u128) << 120)
}

/// Looks a word up in a lexicon, ignoring case. Every lexicon word packs
/// (see [`parse_gendered`]), so an ASCII word that does not is in none; a
/// word with other letters may lowercase to one of the files' (`Kim` with
/// a Kelvin sign).
fn lookup(map: &Gendered, word: &str) -> Facts {
    if !map.may_hold(word) {
        return Facts::default();
    }
    match pack(word.as_bytes()) {
        Some(key) => map.get(key),
        None if word.is_ascii() => Facts::default(),
        None => pack(word.to_lowercase().as_bytes()).map_or(Facts::default(), |key| {
            Facts(map.get(key).0 & Facts::FROM_FILES)
        }),
    }
}

/// The lines of a data file compiled in from `data/`, without its
/// comment lines (`#` first).
fn data_lines(data: &'static str) -> impl Iterator<Item = &'static str> {
    data.lines().filter(|l| !l.starts_with('#'))
}

/// Parses a lexicon file of `kind` (`Facts::TITLE` or
/// `Facts::FIRST_NAME`): a word and an optional gender per line.
///
/// # Panics
///
/// On a word that does not pack: the lexicons are compiled in, so a test
/// catches it.
fn parse_gendered(data: &'static str, kind: u8) -> Vec<(u128, Facts)> {
    data_lines(data)
        .filter_map(|l| {
            let mut parts = l.split_whitespace();
            let word = parts.next()?;
            let gender = match parts.next() {
                Some("m") => Some(Gender::Male),
                Some("f") => Some(Gender::Female),
                _ => None,
            };
            Some((packed(word), Facts::of(kind, gender)))
        })
        .collect()
}

/// # Panics
///
/// On a word that does not pack (see [`parse_gendered`]).
fn packed(word: &str) -> u128 {
    pack(word.as_bytes()).unwrap_or_else(|| panic!("lexicon words are short ASCII: {word:?}"))
}

fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| {
        let titles = parse_gendered(include_str!("../data/titles.txt"), Facts::TITLE);
        let mut run_words = titles.clone();
        run_words.extend(parse_gendered(
            include_str!("../data/first-names.txt"),
            Facts::FIRST_NAME,
        ));
        for (list, flag) in [(NOT_NAME, Facts::NOT_NAME), (ORG_WORDS, Facts::ORG_WORD)] {
            run_words.extend(list.iter().map(|w| (packed(w), Facts(flag))));
        }
        Lexicon {
            titles: Gendered::new(&titles),
            run_words: Gendered::new(&run_words),
        }
    })
}

/// Words that are capitalized without being names: calendar words and
/// sentence adverbs end a name (`President Obama Tuesday`, `Still, as
/// Mr. Clinton …`), and organization words make the whole run an
/// organization (`Fox News`, `Clinton Foundation`).
const NOT_NAME: &[&str] = &[
    "a",
    "additionally",
    "after",
    "afterward",
    "against",
    "also",
    "although",
    "amid",
    "among",
    "an",
    "and",
    "april",
    "as",
    "at",
    "august",
    "because",
    "before",
    "but",
    "by",
    "december",
    "despite",
    "dr",
    "during",
    "even",
    "eventually",
    "february",
    "finally",
    "for",
    "friday",
    "from",
    "furthermore",
    "god",
    "he",
    "her",
    "his",
    "how",
    "however",
    "i",
    "if",
    "in",
    "indeed",
    "instead",
    "it",
    "january",
    "jesus",
    "july",
    "june",
    "likewise",
    "march",
    "meanwhile",
    "monday",
    "moreover",
    "mr",
    "mrs",
    "ms",
    "nevertheless",
    "no",
    "nonetheless",
    "not",
    "november",
    "now",
    "october",
    "of",
    "on",
    "or",
    "saturday",
    "separately",
    "september",
    "she",
    "similarly",
    "since",
    "so",
    "still",
    "subsequently",
    "sunday",
    "that",
    "the",
    "there",
    "therefore",
    "they",
    "this",
    "though",
    "thursday",
    "to",
    "today",
    "tuesday",
    "ultimately",
    "unless",
    "unlike",
    "until",
    "update",
    "we",
    "wednesday",
    "what",
    "when",
    "whereas",
    "whether",
    "while",
    "who",
    "why",
    "with",
    "without",
    "yes",
    "yesterday",
    "yet",
];

const ORG_WORDS: &[&str] = &[
    "act",
    "administration",
    "agency",
    "airport",
    "alliance",
    "amendment",
    "arena",
    "army",
    "association",
    "avenue",
    "award",
    "awards",
    "bank",
    "bay",
    "beach",
    "board",
    "books",
    "bureau",
    "campaign",
    "capital",
    "caucus",
    "center",
    "centre",
    "channel",
    "church",
    "city",
    "club",
    "co",
    "coalition",
    "college",
    "colleges",
    "commission",
    "committee",
    "company",
    "congress",
    "corp",
    "council",
    "county",
    "court",
    "department",
    "edition",
    "enterprise",
    "festival",
    "force",
    "fort",
    "forum",
    "foundation",
    "front",
    "fund",
    "group",
    "guard",
    "hall",
    "herald",
    "holdings",
    "hospital",
    "hotel",
    "house",
    "inc",
    "initiative",
    "institute",
    "institution",
    "island",
    "journal",
    "lake",
    "law",
    "library",
    "llc",
    "ltd",
    "magazine",
    "management",
    "media",
    "ministry",
    "mountain",
    "museum",
    "navy",
    "network",
    "news",
    "office",
    "organisation",
    "organization",
    "pac",
    "park",
    "partners",
    "party",
    "pictures",
    "plan",
    "police",
    "politics",
    "poll",
    "post",
    "press",
    "prize",
    "program",
    "project",
    "radio",
    "records",
    "report",
    "republic",
    "reserve",
    "review",
    "river",
    "road",
    "school",
    "security",
    "senate",
    "service",
    "show",
    "society",
    "square",
    "stadium",
    "state",
    "states",
    "street",
    "studies",
    "studio",
    "studios",
    "system",
    "television",
    "theater",
    "theatre",
    "times",
    "tower",
    "tribune",
    "trust",
    "tv",
    "union",
    "university",
    "valley",
    "ventures",
    "war",
    "watch",
    "weekly",
    "world",
];

/// Function words that stop the backward scan for a role phrase.
const ROLE_STOP: WordList = WordList::new(&[
    "a",
    "about",
    "according",
    "across",
    "after",
    "against",
    "along",
    "also",
    "amid",
    "among",
    "an",
    "and",
    "are",
    "around",
    "as",
    "at",
    "be",
    "been",
    "before",
    "behind",
    "beside",
    "between",
    "both",
    "but",
    "by",
    "called",
    "during",
    "either",
    "for",
    "from",
    "had",
    "has",
    "have",
    "her",
    "his",
    "how",
    "if",
    "in",
    "including",
    "into",
    "is",
    "its",
    "like",
    "met",
    "my",
    "named",
    "neither",
    "not",
    "of",
    "on",
    "or",
    "our",
    "out",
    "over",
    "said",
    "says",
    "since",
    "than",
    "that",
    "the",
    "their",
    "then",
    "these",
    "this",
    "those",
    "to",
    "told",
    "toward",
    "towards",
    "under",
    "upon",
    "via",
    "was",
    "were",
    "what",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "why",
    "will",
    "with",
    "within",
    "without",
    "would",
    "your",
]);

/// Prepositions after which a lone surname is a place (`in Washington`).
const LOCATIVE: WordList = WordList::new(&[
    "across",
    "at",
    "in",
    "inside",
    "into",
    "near",
    "outside",
    "throughout",
]);

/// Verbs after a name that mark it as a person's (`Ann Fox said`).
const PERSON_VERBS: WordList = WordList::new(&[
    "acknowledged",
    "added",
    "adds",
    "admitted",
    "argued",
    "asked",
    "asks",
    "claimed",
    "continued",
    "declared",
    "explained",
    "insisted",
    "noted",
    "recalled",
    "replied",
    "responded",
    "said",
    "says",
    "stressed",
    "tells",
    "told",
    "tweeted",
    "warned",
    "writes",
    "wrote",
]);

pub(crate) fn is_title(word: &str) -> bool {
    lookup(&lexicon().titles, word).title().is_some()
}

/// All that the lexicon tells of a word of a run (see
/// [`Lexicon::run_words`]).
fn run_word_facts(word: &str) -> Facts {
    lookup(&lexicon().run_words, word)
}

/// `a`, `an` or `the`, in any case.
fn is_article(word: &str) -> bool {
    in_list(word, &["a", "an", "the"])
}

/// Whether `word` is in a list of lowercase ASCII words, ignoring case.
fn in_list(word: &str, list: &[&str]) -> bool {
    list.iter().any(|l| word.eq_ignore_ascii_case(l))
}

/// A word that could be part of a name: capitalized, not all capitals
/// beyond initials (`CNN`, headline `TRUMP`), with a letter.
pub(crate) fn is_capitalized(word: &str) -> bool {
    let b = word.as_bytes();
    let Some(&first) = b.first() else {
        return false;
    };
    // Most words open with an ASCII letter that is not a capital.
    if first.is_ascii() && !first.is_ascii_uppercase() {
        return false;
    }
    // Next most open with a capital and a lowercase letter (`Trump`): a
    // lowercase letter passes the tests below whatever follows it (every
    // uppercase character is a letter, so `upper < letters`).
    if b.get(1).is_some_and(u8::is_ascii_lowercase) {
        return true;
    }
    if word.is_ascii() {
        // Some lowercase letter, or at most two letters (`U.S`, `JR`):
        // the same test as below, deciding at the second byte for most.
        return b.iter().any(u8::is_ascii_lowercase)
            || b.iter().filter(|c| c.is_ascii_alphabetic()).count() <= 2;
    }
    if !word.chars().next().is_some_and(char::is_uppercase) {
        return false;
    }
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    let upper = word.chars().filter(|c| c.is_uppercase()).count();
    letters <= 2 || upper < letters
}

/// The byte range of a word without a possessive `’s`/`'s` ending (or a
/// bare `’`/`'`), unless nothing would be left.
///
/// Matched on the bytes (`’` is `E2 80 99`, and a valid UTF-8 text ending
/// with those bytes ends with `’`), without a checked `str` slice:
/// inlined, it costs a few comparisons for each word of every run.
#[inline]
pub(crate) fn strip_possessive(text: &str, range: Range<usize>) -> Range<usize> {
    let suffix = match &text.as_bytes()[range.clone()] {
        [.., 0xE2, 0x80, 0x99, b's'] => 4,
        [.., b'\'', b's'] => 2,
        [.., 0xE2, 0x80, 0x99] => 3,
        [.., b'\''] => 1,
        _ => return range,
    };
    if suffix < range.len() {
        range.start..range.end - suffix
    } else {
        range
    }
}

/// A name found in the text with the cue that made it one.
#[derive(Debug, Clone)]
struct Candidate<'t> {
    /// The name's words, possessive stripped, borrowed from the text.
    words: Vec<&'t str>,
    role: Option<String>,
    gender: Option<Gender>,
}

/// Finds the people named in the body paragraphs of `doc`.
pub fn find(doc: &Doc) -> Vec<PersonFound> {
    let body = Body::scan(doc.text, doc.body_tokens());
    let mut candidates = Vec::new();
    // The words of a run, possessive stripped (`the Justice Department’s
    // decision` is an organization's), sliced once for all that
    // `classify` asks of them, and what the lexicon tells of each, looked
    // up once; the buffers are reused from run to run.
    let mut words = Vec::new();
    let mut facts = Vec::new();
    for para in body.paragraphs.iter().filter(|p| !p.headline) {
        for (run, names) in body.named_runs(para) {
            if may_name(doc.text, para.toks, run) {
                words.clear();
                words.extend(names.iter().map(|name| &doc.text[name.clone()]));
                facts.clear();
                facts.extend(run.iter().zip(&words).map(|(&i, w)| {
                    // An initial's letter is no word of the lexicon: the
                    // `A` of `James A. Baker` is not the article.
                    let initial = w.len() == 1 && is_mark(doc.text, para.toks.get(i + 1), b'.');
                    if initial {
                        Facts::default()
                    } else {
                        run_word_facts(w)
                    }
                }));
                candidates.extend(classify(doc.text, para.toks, run, &words, &facts));
            }
        }
    }
    let (mut groups, by_word) = group(candidates);
    let mut people = collect_mentions(doc.text, &body, &mut groups, by_word);
    people.retain(|p| !p.mentions.is_empty());
    people.sort_by_key(|p| p.mentions.first().map(|m| m.start));
    people
}

/// The body paragraphs with what both passes need of them, found once.
struct Body<'t> {
    paragraphs: Vec<Paragraph<'t>>,
    runs: Runs,
}

/// The capitalized runs of all body paragraphs. They share these buffers,
/// which saves growing small vectors paragraph after paragraph.
struct Runs {
    /// The token index of each run word, run after run.
    words: Vec<usize>,
    /// The byte range of each run word without a possessive ending.
    names: Vec<Range<usize>>,
    /// Each run, as a range of `words` and of `names`.
    bounds: Vec<Range<usize>>,
}

impl<'t> Body<'t> {
    fn scan(text: &str, body_tokens: &'t ParagraphTokens) -> Self {
        // Sized once: about one token in ten of news text is a capitalized
        // word (a run word), so room for a quarter of the tokens seldom
        // needs to grow.
        let tokens = body_tokens.all().len();
        let mut runs = Runs {
            words: Vec::with_capacity(tokens / 4),
            names: Vec::with_capacity(tokens / 4),
            bounds: Vec::with_capacity(tokens / 4),
        };
        let paragraphs = body_tokens
            .iter()
            .map(|toks| Paragraph::scan(text, toks, &mut runs))
            .collect();
        Self { paragraphs, runs }
    }

    /// The capitalized runs of `para`, in text order, as token index
    /// lists, with their words' ranges, possessive stripped.
    fn named_runs<'b>(
        &'b self,
        para: &Paragraph,
    ) -> impl Iterator<Item = (&'b [usize], &'b [Range<usize>])> {
        self.runs.bounds[para.runs.clone()]
            .iter()
            .map(|r| (&self.runs.words[r.clone()], &self.runs.names[r.clone()]))
    }
}

/// A body paragraph's tokens with its runs and its headline test, found in
/// one walk that asks [`is_capitalized`] once per word.
struct Paragraph<'t> {
    toks: &'t [Token],
    /// The paragraph's capitalized runs, as a range of [`Runs::bounds`].
    runs: Range<usize>,
    /// Whether the paragraph looks like a headline (see
    /// [`Paragraph::scan`]).
    headline: bool,
}

impl<'t> Paragraph<'t> {
    /// Finds the runs of capitalized words, as token index lists. An
    /// initial or abbreviation keeps its period (`John F. Kennedy`,
    /// `Sen.`), which continues the run without being one of its words.
    ///
    /// Also tells whether the paragraph looks like a headline:
    /// headline-case lines (`Hillary Clinton Wins Big In Nevada`)
    /// capitalize every word, so capitals there say nothing about names.
    /// A line of prose full of names (`Sen. Ann Lee met Gov. Tom Hill on
    /// Friday.`) is told apart by its final period.
    ///
    /// The runs are appended to `runs`.
    // Out of line: inlined into `find`, its loop gets worse registers.
    #[inline(never)]
    fn scan(text: &str, toks: &'t [Token], runs: &mut Runs) -> Self {
        let first_run = runs.bounds.len();
        let mut run_start = runs.words.len();
        // Words opening with a letter, and how many are capitalized.
        let (mut count, mut caps) = (0usize, 0usize);
        for (i, t) in toks.iter().enumerate() {
            // Every token has a first byte.
            let first = text.as_bytes()[t.range.start];
            let continues = if !t.is_word {
                first == b'.'
                    && runs.words[run_start..]
                        .last()
                        .is_some_and(|&j: &usize| is_abbreviation(&text[toks[j].range.clone()]))
            } else if first.is_ascii_lowercase() {
                // Most words: a letter, and not capitalized by the first
                // test of `is_capitalized`, told without slicing the word.
                count += 1;
                // `Anke de Vries`: a particle inside a run keeps it going.
                run_start < runs.words.len() && joins_name(text, toks, i)
            } else if first.is_ascii_uppercase() && second_is_lowercase(text, t) {
                // Most of the rest (`Trump`): capitalized by the second
                // test of `is_capitalized`, told without slicing either.
                count += 1;
                caps += 1;
                true
            } else {
                let word = &text[t.range.clone()];
                let capitalized = is_capitalized(word);
                if word.chars().next().is_some_and(char::is_alphabetic) {
                    count += 1;
                    caps += usize::from(capitalized);
                }
                capitalized
            };
            if continues && t.is_word {
                let name = strip_possessive(text, t.range.clone());
                let possessive = name != t.range;
                runs.words.push(i);
                runs.names.push(name);
                if possessive {
                    runs.bounds.push(run_start..runs.words.len());
                    run_start = runs.words.len();
                }
            } else if !continues && run_start < runs.words.len() {
                runs.bounds.push(run_start..runs.words.len());
                run_start = runs.words.len();
            }
        }
        if run_start < runs.words.len() {
            runs.bounds.push(run_start..runs.words.len());
        }
        let prose = toks
            .last()
            .is_some_and(|t| matches!(&text[t.range.clone()], "." | "?" | "!" | "”" | "\""));
        let ratio = |tenths: usize| caps * 10 >= count * tenths;
        Self {
            toks,
            runs: first_run..runs.bounds.len(),
            headline: count >= 4 && (ratio(9) || (ratio(7) && !prose)),
        }
    }
}

/// Whether `word` is a lowercase word that stands inside a surname:
/// `Anke de Vries`, `Lula da Silva`, `Mohammed bin Salman`. A `match`:
/// it is asked of every lowercase word after a capitalized one.
fn opens_particle(word: &str) -> bool {
    matches!(
        word,
        "bin"
            | "da"
            | "de"
            | "del"
            | "della"
            | "di"
            | "dos"
            | "du"
            | "ibn"
            | "ten"
            | "ter"
            | "van"
            | "von"
    )
}

/// Whether `word` may follow an [`opens_particle`] word inside a surname:
/// `Ursula von der Leyen`, `Rosa de la Cruz`, `Dries van den Berg`.
fn follows_particle(word: &str) -> bool {
    matches!(word, "de" | "den" | "der" | "la")
}

/// A particle of a surname, as written (lowercase).
fn is_particle(word: &str) -> bool {
    opens_particle(word) || follows_particle(word)
}

/// Whether the lowercase word at `i`, right after a capitalized word,
/// joins it to the capitalized word that comes next as one name: an
/// [`opens_particle`] word, or a [`follows_particle`] word right after
/// one, followed by a capitalized word (the first may take one
/// [`follows_particle`] word first). `Rotterdam de facto` is no name.
fn joins_name(text: &str, toks: &[Token], i: usize) -> bool {
    let word = |j: usize| word_at(text, toks, j);
    let Some(w) = word(i) else {
        return false;
    };
    let opens = opens_particle(w);
    let follows =
        follows_particle(w) && i.checked_sub(1).and_then(word).is_some_and(opens_particle);
    if !(opens || follows) {
        return false;
    }
    let capitalized = |j: usize| word(j).is_some_and(is_capitalized);
    match word(i + 1) {
        Some(next) if opens && follows_particle(next) => capitalized(i + 2),
        Some(_) => capitalized(i + 1),
        None => false,
    }
}

/// The text of token `i` if there is one and it is a word.
fn word_at<'t>(text: &'t str, toks: &[Token], i: usize) -> Option<&'t str> {
    toks.get(i)
        .filter(|t| t.is_word)
        .map(|t| &text[t.range.clone()])
}

/// Whether the second byte of token `t` is an ASCII lowercase letter.
fn second_is_lowercase(text: &str, t: &Token) -> bool {
    t.range.len() >= 2 && text.as_bytes()[t.range.start + 1].is_ascii_lowercase()
}

/// A single capital (`F`), initials (`G.K` of `G.K. Butterfield`) or a
/// title abbreviation (`Sen`), which a period follows without ending the
/// name.
fn is_abbreviation(word: &str) -> bool {
    word.chars().count() == 1
        || is_initials(word)
        || (word.len() <= 4 && is_title(word))
        || in_list(word, &["jr", "sr", "st"])
}

/// Capitals joined by periods: `G.K`, `J.R.R` (the last period is a token
/// of its own).
fn is_initials(word: &str) -> bool {
    let b = word.as_bytes();
    b.len() >= 3
        && b.len() % 2 == 1
        && b.iter().step_by(2).all(u8::is_ascii_uppercase)
        && b.iter().skip(1).step_by(2).all(|&c| c == b'.')
}

/// A cheap test before [`classify`]: a lone capitalized word (most are
/// sentence starts like `The` or `But`) names a person only next to a
/// title (`spokeswoman Strong`) or a comma (`Strong, a spokeswoman,`).
fn may_name(text: &str, toks: &[Token], run: &[usize]) -> bool {
    let [only] = run else {
        return true;
    };
    let before = only.checked_sub(1).and_then(|i| toks.get(i));
    let after = toks.get(only + 1);
    is_mark(text, before, b',')
        || is_mark(text, after, b',')
        || before.is_some_and(|t| t.is_word && is_title(&text[t.range.clone()]))
}

/// Whether `tok` is the ASCII punctuation character `mark`. A
/// punctuation token is one character, so its first byte tells, without
/// slicing the text.
fn is_mark(text: &str, tok: Option<&Token>, mark: u8) -> bool {
    tok.is_some_and(|t| !t.is_word && text.as_bytes()[t.range.start] == mark)
}

/// Decides whether a capitalized run names a person, and splits it into
/// role and name. `run_words` are the words of the run's tokens, `facts`
/// what the lexicon tells of each.
fn classify<'t>(
    text: &'t str,
    toks: &[Token],
    run: &[usize],
    run_words: &[&str],
    facts: &[Facts],
) -> Option<Candidate<'t>> {
    // The name starts after the last title word, or at a given name.
    let mut last_title = facts.iter().rposition(|f| f.title().is_some());
    // A title word closing a run that opens with a given name is a surname
    // (`Matthew Prince`, `Anna Judge`), not a title before an empty name.
    if last_title == Some(run.len() - 1) && run.len() >= 2 && facts[0].first_name().is_some() {
        last_title = None;
    }
    let mut start = last_title.map_or(0, |k| k + 1);
    // Whether the name opens with a given name: known from the search,
    // which finds the first one, and with it the gender that name marks.
    let mut opens_with_first = false;
    let mut first_gender = None;
    let found = facts[start..]
        .iter()
        .enumerate()
        .find_map(|(j, f)| Some((j, f.first_name()?)));
    if let Some((j, gender)) = found {
        if start + j + 1 < run.len() {
            start += j;
            opens_with_first = true;
        } else {
            opens_with_first = j == 0;
        }
        first_gender = gender.filter(|_| opens_with_first);
    }
    let name_len = facts[start..].iter().take_while(|f| !f.not_name()).count();
    let mut name = &run[start..start + name_len];
    let name_words = &run_words[start..start + name_len];
    // Initials alone name no one: `U.S` (`the chief U.S. negotiator`),
    // `S.C` (`Hilton Head, S.C., Rubio …`).
    let initial = |w: &&str| w.chars().count() == 1 || is_initials(w);
    if name.len() > 4 || name.is_empty() || name_words.iter().all(initial) {
        return None;
    }
    // `Clinton Foundation`, `Fox News`; words before the name may be
    // organizations (`Secretary of State Hillary Clinton`).
    if facts[start..].iter().any(|f| f.org_word()) {
        return None;
    }
    let has_first = opens_with_first && name.len() >= 2;
    let titled = last_title.is_some_and(|k| k < start) || start > 0 && has_first;
    let before = run[0].checked_sub(1);
    let verb_after = name.len() >= 2
        && toks
            .get(name.last()? + 1)
            .is_some_and(|t| t.is_word && PERSON_VERBS.contains(&text[t.range.clone()]));
    let lower_role_before =
        before.is_some_and(|b| toks[b].is_word && is_title(&text[toks[b].range.clone()]));
    let cue_before = name.len() >= 2 && start == 0 && speech_cue_before(text, toks, run[0]);
    let role_before = (last_title.is_some() || lower_role_before)
        .then(|| role_ending_at(text, toks, run[0], run.get(start).copied()))
        .flatten();
    // `Kim Lee, executive director of …,` or `Ryan’s spokeswoman, AshLee
    // Strong,`: looked for only when no title came before.
    let apposition = if role_before.is_none() {
        apposition_after(text, toks, *name.last()?).or_else(|| {
            before
                .filter(|&b| is_mark(text, toks.get(b), b','))
                .and_then(|b| role_ending_at(text, toks, b, Some(b)))
        })
    } else {
        None
    };
    if !(titled
        || has_first
        || lower_role_before
        || apposition.is_some()
        || verb_after
        || cue_before)
    {
        return None;
    }
    if name.len() == 1 {
        // A surname alone needs a role beside it, and without a title
        // before it, a word that can be a surname.
        let role = titled || lower_role_before || apposition.is_some();
        if !role || !titled && !lone_word_may_be_person(text, toks, name[0]) {
            return None;
        }
    }
    // A trailing initial-less period is not part of the name.
    while name.len() > 1 && !toks[*name.last()?].is_word {
        name = &name[..name.len() - 1];
    }
    // A place or organization the gazetteer knows (`New Hampshire, which
    // is set to host …`) is no one's name, unless a title says it is.
    let last = strip_possessive(text, toks[*name.last()?].range.clone());
    let written = &text[toks[name[0]].range.start..last.end];
    if !titled && gazetteer::lookup(written).is_some() {
        return None;
    }
    let words: Vec<&str> = name
        .iter()
        .filter(|&&i| toks[i].is_word)
        .map(|&i| &text[strip_possessive(text, toks[i].range.clone())])
        .collect();
    // No one's name holds a party's, a faith's or a people's word
    // (`Republican, presidential candidate …`, `New Hampshire Republican`,
    // `Gloria Major, African American women …`), and none is made of
    // nationalities alone (`Ali Said, an Iranian American, …`).
    if words.iter().any(|w| GROUP_WORDS.contains(w))
        || words
            .iter()
            .all(|w| gazetteer::demonym_country(w).is_some())
    {
        return None;
    }
    let gender = facts[..start]
        .iter()
        .find_map(|f| f.title().flatten())
        // The given name that opens the name, if it opens with one.
        .or(first_gender);
    Some(Candidate {
        words,
        role: role_before.or(apposition),
        gender,
    })
}

/// Whether a one-word name without a title before it can be a person's.
/// Most one-word runs next to a comma or a role word are no one: a
/// nationality (`Americans, President Obama has …`) or a word after an
/// article (`told the Observer, her senior policy adviser …`). Places,
/// organizations, parties and faiths are no one's names at any length,
/// which the caller tells. A title before the word (`Rep. Jordan`) makes
/// it a person's all the same, which the caller knows.
fn lone_word_may_be_person(text: &str, toks: &[Token], word: usize) -> bool {
    let w = &text[strip_possessive(text, toks[word].range.clone())];
    let after_article = word
        .checked_sub(1)
        .and_then(|b| word_at(text, toks, b))
        .is_some_and(is_article);
    let plural_of_demonym = w
        .strip_suffix('s')
        .is_some_and(|one| gazetteer::demonym_country(one).is_some());
    !(after_article || gazetteer::demonym_country(w).is_some() || plural_of_demonym)
}

/// Parties, faiths and peoples: words of no person's name ([`classify`]).
const GROUP_WORDS: WordList = WordList::new(&[
    "african",
    "arab",
    "asian",
    "catholic",
    "catholics",
    "democrat",
    "democratic",
    "democrats",
    "european",
    "evangelical",
    "evangelicals",
    "fathers",
    "hispanic",
    "jewish",
    "jews",
    "latino",
    "latinos",
    "mormons",
    "muslim",
    "muslims",
    "republican",
    "republicans",
]);

/// Whether the words right before token `first` attribute speech to what
/// follows: a speech verb (`said Ann Fox`) or `according to`.
fn speech_cue_before(text: &str, toks: &[Token], first: usize) -> bool {
    let word = |i: usize| word_at(text, toks, i);
    let Some(prev) = first.checked_sub(1).and_then(word) else {
        return false;
    };
    PERSON_VERBS.contains(prev)
        || prev.eq_ignore_ascii_case("to")
            && first
                .checked_sub(2)
                .and_then(word)
                .is_some_and(|w| w.eq_ignore_ascii_case("according"))
}

/// The role phrase that ends right before a name starting at token
/// `name_start` (or inside the run before it): `Ukrainian Prime Minister`,
/// `Republican presidential candidate`, `Ryan’s spokeswoman`. It must end
/// with a title word; it extends left over words that are not function
/// words, at most six.
fn role_ending_at(
    text: &str,
    toks: &[Token],
    run_start: usize,
    name_start: Option<usize>,
) -> Option<String> {
    let name_start = name_start?;
    let end = name_start.checked_sub(1)?;
    let mut last = end;
    // `Sen. Ted Cruz`: the abbreviation's period.
    if is_mark(text, toks.get(last), b'.') {
        last = last.checked_sub(1)?;
    }
    if !toks[last].is_word || !is_title(&text[toks[last].range.clone()]) {
        return None;
    }
    let mut first = last;
    // An honorific is the whole role: the words before `Mr.` are the
    // sentence's (`Obama sees Mr. Trump`), not a role's.
    let honorific = in_list(
        &text[toks[last].range.clone()],
        &["miss", "mr", "mrs", "ms", "mx"],
    );
    while !honorific && first > 0 && last - first < 6 {
        let prev = &toks[first - 1];
        let w = &text[prev.range.clone()];
        let period_of_abbr = !prev.is_word
            && w == "."
            && first >= 2
            && is_abbreviation(&text[toks[first - 2].range.clone()]);
        let word_ok = prev.is_word
            && !ROLE_STOP.contains(w)
            && !PERSON_VERBS.contains(w)
            && !looks_like_verb(w);
        if !(word_ok || period_of_abbr) {
            break;
        }
        // Stop at a sentence start unless the word is in the run itself.
        first -= 1;
        if first < run_start && !is_capitalized(w) && !prev.is_word {
            break;
        }
    }
    while first < last && !toks[first].is_word {
        first += 1;
    }
    let role_end = if toks[end].is_word {
        toks[end].range.end
    } else {
        toks[end].range.start
    };
    let role_end = if is_mark(text, toks.get(end), b'.') {
        toks[end].range.end
    } else {
        role_end
    };
    Some(text[toks[first].range.start..role_end].to_owned())
}

/// Whether a word before a title reads as a verb of the sentence, not a
/// role's modifier: lowercase and ending in `-ed` or `-ing` (`backed Sen.
/// Ted Cruz`, `elevating Sen.`), unless it is one of the participles that
/// qualify an office (`acting`, `retired`, `elected`) or a compound
/// (`Austin-based`, `home-state`).
fn looks_like_verb(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_lowercase())
        && (word.ends_with("ed") || word.ends_with("ing"))
        && !word.contains('-')
        && !OFFICE_PARTICIPLES.contains(word)
}

/// Participles that qualify an office or its holder (`acting director`,
/// `outgoing Sen.`, `highly respected veteran strategist`).
const OFFICE_PARTICIPLES: WordList = WordList::new(&[
    "acting",
    "appointed",
    "bestselling",
    "celebrated",
    "designated",
    "disgraced",
    "elected",
    "embattled",
    "founding",
    "governing",
    "housing",
    "incoming",
    "indicted",
    "leading",
    "outgoing",
    "presiding",
    "presumed",
    "ranking",
    "reigning",
    "respected",
    "retired",
    "ruling",
    "serving",
    "sitting",
    "standing",
    "unnamed",
    "visiting",
]);

/// An appositive role after a name: `, executive director of the State
/// Board of Elections,` — a short phrase starting with an article or a
/// lowercase word whose first words hold a title word. A relative clause
/// gives its role too (`, who is executive director of …,`), and ends one
/// (`, a Democratic pollster who worked for …` is `Democratic pollster`).
/// A clause is no role (`, the Vermont senator is sticking to …`).
fn apposition_after(text: &str, toks: &[Token], name_end: usize) -> Option<String> {
    if !is_mark(text, toks.get(name_end + 1), b',') {
        return None;
    }
    let word = |i: usize| toks.get(i).map(|t| &text[t.range.clone()]);
    let mut start = name_end + 2;
    if word(start).is_some_and(|w| w.eq_ignore_ascii_case("who"))
        && word(start + 1).is_some_and(|w| in_list(w, &["is", "was"]))
    {
        start += 2;
    }
    if !toks.get(start)?.is_word {
        // A closing quotation mark (`''`) ends the sentence.
        return None;
    }
    let mut i = start;
    let mut saw_title = false;
    let mut close = None;
    while let Some(t) = toks.get(i) {
        let w = &text[t.range.clone()];
        let abbreviation_period = w == "."
            && i > start
            && is_abbreviation(&text[toks[i - 1].range.clone()])
            && toks.get(i + 1).is_some_and(|n| n.is_word);
        if !t.is_word && !matches!(w, "-" | "’" | "'") && !abbreviation_period {
            close = Some(w);
            break;
        }
        if saw_title && RELATIVE.contains(w) {
            close = Some(",");
            break;
        }
        if i == start && (is_capitalized(w) && !is_title(w) && !is_article(w)) {
            return None;
        }
        if CLAUSE_VERBS.contains(w) || PERSON_VERBS.contains(w) {
            return None;
        }
        if i < start + 5 && is_title(w) {
            saw_title = true;
        }
        i += 1;
        if i - start > MAX_APPOSITION_TOKENS {
            return None;
        }
    }
    if !saw_title || !matches!(close, Some("," | "." | ")" | ";") | None) || i == start {
        return None;
    }
    let mut first = start;
    if is_article(&text[toks[first].range.clone()]) {
        first += 1;
    }
    let opening = word(first)?;
    // A function word opens a clause (`, as Mr. Clinton starts …`); an
    // honorific, the next name (`Also, Mr. Trump said`).
    let opens_clause = ROLE_STOP.contains(opening) && !POSSESSIVES.contains(opening);
    let opens_name = is_abbreviation(opening) && is_capitalized(opening);
    (first < i && !opens_clause && !opens_name)
        .then(|| text[toks[first].range.start..toks[i - 1].range.end].to_owned())
}

/// The longest appositive role, in tokens: `a former Massachusetts
/// congressman and fierce critic of Mr. Sanders and his Wall Street
/// proposals` is 17.
const MAX_APPOSITION_TOKENS: usize = 20;

/// Possessive determiners, which may open a role (`her senior adviser`)
/// though they stop a role's backward scan ([`ROLE_STOP`]).
const POSSESSIVES: WordList = WordList::new(&["her", "his", "its", "my", "our", "their", "your"]);

/// Relative pronouns: they end a role after its title word (`the
/// senator who …`), and after a name they open a clause, which is no role
/// (`Valdez Anderson, who works at …`).
pub(crate) const RELATIVE: WordList = WordList::new(&["that", "which", "who", "whom", "whose"]);

/// Auxiliary verbs, and speech verbs besides [`PERSON_VERBS`]: in the
/// words after a name's comma, they make a clause (`, the Vermont senator
/// is sticking …`, `, Mr. Oppenheim noted`).
const CLAUSE_VERBS: WordList = WordList::new(&[
    "announced",
    "are",
    "can",
    "could",
    "did",
    "does",
    "had",
    "has",
    "have",
    "is",
    "may",
    "might",
    "must",
    "should",
    "stated",
    "was",
    "were",
    "will",
    "would",
]);

/// One person while grouping: its name variants and what was learned.
struct Group<'t> {
    variants: Vec<Vec<&'t str>>,
    roles: Vec<String>,
    gender: Option<Gender>,
}

impl<'t> Group<'t> {
    fn surname(&self) -> &'t str {
        surname(&self.variants[0]).unwrap_or("")
    }

    fn canonical(&self) -> &[&'t str] {
        self.variants
            .iter()
            .max_by_key(|v| v.len())
            .map_or(&[], Vec::as_slice)
    }

    /// Same surname and compatible given names (`Hillary Clinton`, `Clinton`,
    /// `Hillary Rodham Clinton`, but not `Bill Clinton`).
    fn accepts(&self, words: &[&str]) -> bool {
        let (Some(last), Some(first)) = (surname(words), words.first()) else {
            return false;
        };
        if last != self.surname() {
            return false;
        }
        // `de Vos` after `Pierre de Vos`: a surname with its particles.
        let surname_only = words[..words.len() - 1].iter().all(|w| is_particle(w));
        let long = self.variants.iter().filter(|v| v.len() > 1);
        // Given names alike, the rest must not differ: `George W. Bush` is
        // not `George H.W. Bush`, `Donald Trump Jr` not `Donald J. Trump`.
        let rest_alike = |v: &[&str]| {
            let (a, b) = (middle(v), middle(words));
            (a.is_empty() || b.is_empty() || a == b) && has_suffix(v) == has_suffix(words)
        };
        surname_only
            || long.clone().count() == 0
            || long
                .into_iter()
                .any(|v| same_given_name(v[0], first) && rest_alike(v))
    }
}

/// Whether two given names are one person's: the same, or one the
/// other's nickname (`Chuck` and `Charles`; see `data/nicknames.txt`).
fn same_given_name(a: &str, b: &str) -> bool {
    a == b || {
        let stands_for = |nick: &str, given: &str| {
            nicknames()
                .iter()
                .any(|(n, g)| n.eq_ignore_ascii_case(nick) && g.eq_ignore_ascii_case(given))
        };
        stands_for(a, b) || stands_for(b, a)
    }
}

/// `data/nicknames.txt`: a nickname and the given name it stands for per
/// line.
const NICKNAMES_TXT: &str = include_str!("../data/nicknames.txt");

/// The pairs of [`NICKNAMES_TXT`]: (nickname, given name), lowercase.
fn nicknames() -> &'static [(&'static str, &'static str)] {
    static NICKNAMES: OnceLock<Vec<(&'static str, &'static str)>> = OnceLock::new();
    NICKNAMES.get_or_init(|| {
        data_lines(NICKNAMES_TXT)
            .filter_map(|l| l.split_once(' '))
            .collect()
    })
}

/// Where a name's surname is: its last word, or the one before a
/// generational suffix (`Joseph R. Biden Jr`), so that `Biden` is the
/// same person.
fn surname_index(name: &[&str]) -> Option<usize> {
    let last = name.len().checked_sub(1)?;
    Some(if has_suffix(name) { last - 1 } else { last })
}

/// Whether a name of a given name, a surname and more ends with a
/// generational suffix (`Donald Trump Jr`; not `Donald Jr`, whose given
/// name and suffix leave no surname).
fn has_suffix(name: &[&str]) -> bool {
    name.len() >= 3 && in_list(name[name.len() - 1], &["ii", "iii", "iv", "jr", "sr"])
}

/// A name's surname (see [`surname_index`]).
fn surname<'w>(name: &[&'w str]) -> Option<&'w str> {
    surname_index(name).map(|i| name[i])
}

/// The words of a name between its first and its surname.
fn middle<'a, 'w>(name: &'a [&'w str]) -> &'a [&'w str] {
    surname_index(name).map_or(&[], |s| name.get(1..s).unwrap_or(&[]))
}

/// A name's words, slices of `text`, joined as the text writes them: an
/// initial keeps the period after it (`John F. Kennedy`, `Michael J.
/// Petrilli`; but `Harry S Truman` where the text has none). A run of
/// capitals goes on past a period only after an initial or abbreviation,
/// so a period after any word but the last is one; after the last it
/// most often ends the sentence, and is left out.
fn written_name(text: &str, words: &[&str]) -> String {
    let mut name = String::with_capacity(words.iter().map(|w| w.len() + 2).sum());
    for (k, word) in words.iter().enumerate() {
        if k > 0 {
            name.push(' ');
        }
        name.push_str(word);
        if k + 1 < words.len() && followed_by_period(text, word) {
            name.push('.');
        }
    }
    name
}

/// Whether `word`, a slice of `text`, has a period right after it there
/// (false for a word that is not a slice of `text`).
fn followed_by_period(text: &str, word: &str) -> bool {
    let start = (word.as_ptr() as usize).checked_sub(text.as_ptr() as usize);
    start.is_some_and(|start| text.as_bytes().get(start + word.len()) == Some(&b'.'))
}

/// Most name variants kept for one person, and most people sharing a
/// surname or a given name; more (only in hostile text) would make
/// matching slow without adding anyone real.
const MAX_VARIANTS: usize = 16;

/// Groups the candidates into people. Also returns the people by surname
/// (as [`Named::surname`], in order), which [`collect_mentions`] goes on
/// to fill with given names.
fn group<'t, 'g>(candidates: Vec<Candidate<'t>>) -> (Vec<Group<'t>>, ByWord<'t, 'g>) {
    let mut groups: Vec<Group> = Vec::new();
    // Groups by surname, so that each candidate is compared only with the
    // people who share its last word.
    // Sized for a surname and a given name per candidate, so that it is
    // not rehashed as it fills (here or in `collect_mentions`).
    let mut by_word: ByWord =
        HashMap::with_capacity_and_hasher(candidates.len() * 2, WordHash::new());
    for c in candidates {
        let Some(key) = surname(&c.words) else {
            continue;
        };
        let ids = &mut by_word.entry(key.as_bytes()).or_default().surname;
        let found = ids.iter().copied().find(|&g| groups[g].accepts(&c.words));
        if found.is_none() && ids.len() >= MAX_VARIANTS {
            continue;
        }
        let g = found.unwrap_or_else(|| {
            groups.push(Group {
                variants: Vec::new(),
                roles: Vec::new(),
                gender: None,
            });
            ids.push(groups.len() - 1);
            groups.len() - 1
        });
        let g = &mut groups[g];
        if g.variants.len() < MAX_VARIANTS && !g.variants.contains(&c.words) {
            g.variants.push(c.words);
        }
        if let Some(r) = c.role {
            if g.roles.len() < MAX_VARIANTS && !g.roles.contains(&r) {
                g.roles.push(r);
            }
        }
        g.gender = g.gender.or(c.gender);
    }
    (groups, by_word)
}

/// A set of words that can tell most other words apart without hashing
/// them: one bit for the signature (length, first and last byte) of each
/// word it holds. Most words of capitalized runs are no name of anyone
/// found, and this rejects them before the map lookups.
#[derive(Default)]
struct WordFilter([u64; 4]);

impl WordFilter {
    fn bit(b: &[u8]) -> usize {
        let (first, last) = (b.first().copied(), b.last().copied());
        let key = b.len() as u64
            | u64::from(first.unwrap_or(0)) << 16
            | u64::from(last.unwrap_or(0)) << 24;
        // Fibonacci hashing: the top 8 bits of the product.
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as usize
    }

    fn insert(&mut self, word: &[u8]) {
        let bit = Self::bit(word);
        self.0[bit / 64] |= 1 << (bit % 64);
    }

    /// False when `word` is not in the set; true means "maybe".
    fn may_contain(&self, word: &[u8]) -> bool {
        let bit = Self::bit(word);
        self.0[bit / 64] >> (bit % 64) & 1 == 1
    }
}

/// The grouped people a word names: [`group`] finds them by surname, and
/// [`collect_mentions`] adds them by given name. Both roles of a word in
/// one map, so that a run word is hashed once.
#[derive(Default)]
struct Named<'g> {
    /// The people with a name variant of two words or more opening with
    /// the word, with that variant.
    first: Vec<(usize, &'g [&'g str])>,
    /// The people whose surname the word is.
    surname: Vec<usize>,
}

/// The grouped people by the bytes of a word of their names (see
/// [`Named`]).
type ByWord<'t, 'g> = HashMap<&'t [u8], Named<'g>, WordHash>;

/// Hashes the words of [`ByWord`] with xxh3 under a random seed. The keys
/// are words of the article, so crafted text must not be able to make
/// every lookup collide, which rules out a fixed seed; but std's SipHash,
/// keyed as well, costs several times more on words this short.
struct WordHash {
    seed: u64,
}

impl WordHash {
    /// A fresh seed, drawn from std's per-thread random keys.
    fn new() -> Self {
        Self {
            seed: RandomState::new().hash_one(0u8),
        }
    }
}

impl BuildHasher for WordHash {
    type Hasher = WordHasher;

    fn build_hasher(&self) -> WordHasher {
        WordHasher(self.seed)
    }
}

/// The state of one [`WordHash`] hashing: the seed, then the hash.
struct WordHasher(u64);

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0 = xxh3_64_with_seed(bytes, self.0);
    }

    /// A slice's length, hashed before its bytes: xxh3 mixes the length in
    /// with the bytes anyway, so it only needs to change the seed.
    fn write_usize(&mut self, n: usize) {
        self.0 = self.0.wrapping_add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Every name mention of the grouped people: full names and variants at
/// any capitalized run, and lone surnames. A surname shared by two people
/// goes to the one whose longer name was mentioned last.
/// `by_word` holds the people by surname, from [`group`].
///
/// The run words are looked up and compared as bytes: equal bytes are
/// equal words, and slicing the text as a `str` would check two char
/// boundaries for every word.
fn collect_mentions<'t, 'g>(
    text: &str,
    body: &Body,
    groups: &'g mut [Group<'t>],
    mut by_word: ByWord<'t, 'g>,
) -> Vec<PersonFound> {
    // The roles are moved into the people: the groups are not asked for
    // them again.
    let mut people: Vec<PersonFound> = groups
        .iter_mut()
        .map(|g| PersonFound {
            name: written_name(text, g.canonical()),
            roles: std::mem::take(&mut g.roles),
            mentions: Vec::new(),
            gender: g.gender,
        })
        .collect();
    let groups: &'g [Group<'t>] = groups;
    let mut keys = WordFilter::default();
    for (i, g) in groups.iter().enumerate() {
        keys.insert(g.surname().as_bytes());
        for v in g.variants.iter().filter(|v| v.len() > 1) {
            keys.insert(v[0].as_bytes());
            let same_first = &mut by_word.entry(v[0].as_bytes()).or_default().first;
            if same_first.len() < MAX_VARIANTS {
                same_first.push((i, v));
            }
        }
    }
    let mut last_full: Vec<usize> = vec![0; groups.len()];
    let mut order = 0;
    for para in &body.paragraphs {
        let toks = para.toks;
        // `ranges`: the run's words, possessive stripped (a run holds
        // word tokens only; an abbreviation's period is not one of them).
        for (run, ranges) in body.named_runs(para) {
            let word = |k: usize| &text.as_bytes()[ranges[k].clone()];
            // `in Washington` is the place even when George Washington was
            // named before. Asked only of a surname found.
            let after_locative = || {
                run.first()
                    .and_then(|&i| i.checked_sub(1))
                    .is_some_and(|b| {
                        toks[b].is_word && LOCATIVE.contains(&text[toks[b].range.clone()])
                    })
            };
            let mut k = 0;
            while k < ranges.len() {
                order += 1;
                let w = word(k);
                let named = keys.may_contain(w).then(|| by_word.get(w)).flatten();
                let Some(named) = named else {
                    k += 1;
                    continue;
                };
                let full = named
                    .first
                    .iter()
                    .filter(|(_, v)| {
                        v.len() <= ranges.len() - k
                            && v.iter().zip(k..).all(|(a, b)| a.as_bytes() == word(b))
                    })
                    .max_by_key(|(_, v)| v.len());
                if let Some(&(g, v)) = full {
                    people[g]
                        .mentions
                        .push(ranges[k].start..ranges[k + v.len() - 1].end);
                    last_full[g] = order;
                    k += v.len();
                    continue;
                }
                let owner = named
                    .surname
                    .iter()
                    .copied()
                    .max_by_key(|&g| (last_full[g], std::cmp::Reverse(g)));
                if let Some(g) = owner.filter(|_| !(k == 0 && after_locative())) {
                    people[g].mentions.push(ranges[k].clone());
                }
                k += 1;
            }
        }
    }
    people
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `pack` as its doc says, byte by byte.
    fn pack_bytewise(word: &[u8]) -> Option<u128> {
        if word.len() > 15 || !word.is_ascii() {
            return None;
        }
        let mut bytes = [0u8; 16];
        for (packed, &b) in bytes.iter_mut().zip(word) {
            *packed = b.to_ascii_lowercase();
        }
        bytes[15] = word.len() as u8;
        Some(u128::from_le_bytes(bytes))
    }

    #[test]
    fn the_lexicon_filter_lets_every_word_through_in_any_case() {
        let lexicon = lexicon();
        let first_names = include_str!("../data/first-names.txt");
        let titles = include_str!("../data/titles.txt");
        let lines =
            |data: &'static str| data_lines(data).filter_map(|l| l.split_whitespace().next());
        // Each word as listed, in capitals and capitalized.
        let every_case = |words: &[&str], found: &dyn Fn(&str) -> bool| {
            for &word in words {
                let capitalized = word[..1].to_uppercase() + &word[1..];
                for w in [word, &word.to_uppercase(), &capitalized] {
                    assert!(found(w), "{w}");
                }
            }
        };
        let titles: Vec<&str> = lines(titles).collect();
        every_case(&titles, &|w| lookup(&lexicon.titles, w).title().is_some());
        every_case(&titles, &|w| run_word_facts(w).title().is_some());
        let first_names: Vec<&str> = lines(first_names).collect();
        every_case(&first_names, &|w| run_word_facts(w).first_name().is_some());
        every_case(NOT_NAME, &|w| run_word_facts(w).not_name());
        every_case(ORG_WORDS, &|w| run_word_facts(w).org_word());
        // A Kelvin sign lowercases to `k`: `Kim` with it is a given name.
        assert!(run_word_facts("\u{212A}im").first_name().is_some());
        assert!(run_word_facts("Zzyzx") == Facts::default() && !is_title("Zzyzx"));
    }

    #[test]
    fn run_word_facts_agree_with_the_lexicon_files_and_lists() {
        let words = [
            "Mrs", "mr", "Sen", "Ann", "John", "Jordan", "Monday", "News", "House", "Ted",
        ];
        let lexicon = lexicon();
        for w in words
            .into_iter()
            .chain(["\u{212A}im", "Judge", "Prince", "Ltd", "x"])
        {
            let facts = run_word_facts(w);
            assert_eq!(facts.title(), lookup(&lexicon.titles, w).title(), "{w}");
            let ascii = w.is_ascii();
            let in_list = |list: &[&str]| ascii && list.iter().any(|l| l.eq_ignore_ascii_case(w));
            assert_eq!(facts.not_name(), in_list(NOT_NAME), "{w}");
            assert_eq!(facts.org_word(), in_list(ORG_WORDS), "{w}");
        }
        assert_eq!(run_word_facts("Mrs").title(), Some(Some(Gender::Female)));
    }

    #[test]
    fn nicknames_are_lowercase_pairs_each_standing_for_one_name() {
        let pairs = nicknames();
        assert!(pairs.len() > 50, "{pairs:?}");
        // No line is dropped by the parse for want of its space.
        assert_eq!(pairs.len(), data_lines(NICKNAMES_TXT).count());
        for (k, (nick, given)) in pairs.iter().enumerate() {
            for w in [nick, given] {
                assert!(w.bytes().all(|b| b.is_ascii_lowercase()), "{w:?}");
            }
            assert_ne!(nick, given);
            assert!(
                pairs[..k].iter().all(|(other, _)| other != nick),
                "{nick} stands for two names"
            );
        }
        assert!(same_given_name("Pete", "Peter") && same_given_name("Peter", "Pete"));
        assert!(!same_given_name("Bill", "Hillary"));
    }

    #[test]
    fn strip_possessive_keeps_a_stem() {
        for (word, stem) in [
            ("Trump’s", "Trump"),
            ("Trump's", "Trump"),
            ("Jones’", "Jones"),
            ("Jones'", "Jones"),
            ("Trump", "Trump"),
            ("Ross", "Ross"),
            ("’s", "’s"),
            ("'s", "'s"),
            ("’", "’"),
            ("'", "'"),
            ("s", "s"),
            ("é’s", "é"),
        ] {
            let text = format!("a {word} b");
            let range = strip_possessive(&text, 2..2 + word.len());
            assert_eq!(&text[range], stem, "{word}");
        }
    }

    #[test]
    fn pack_agrees_with_a_byte_loop() {
        for b in 0..=255u8 {
            for len in [1, 7, 15, 16] {
                for at in 0..len {
                    let mut word = vec![b'Q'; len];
                    word[at] = b;
                    assert_eq!(pack(&word), pack_bytewise(&word), "{word:?}");
                }
            }
        }
        assert_eq!(pack(b""), pack_bytewise(b""));
    }
}
