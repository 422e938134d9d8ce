//! Language of the article as an ISO 639-1 code.
//!
//! The event's `language` wins; otherwise `whatlang` (trigram profiles,
//! no model download) guesses from the body. whatlang's cost grows with
//! its input and a language is clear long before the end of an article, so
//! it sees only the first [`SAMPLE_BYTES`] bytes of the body: that bounds
//! the time per article whatever its length. A guess whatlang itself
//! marks as unreliable gives `null`, never a wrong code.
//!
//! Even bounded, a whatlang call costs over 100 µs (it builds its trigram
//! tables per call), more than the rest of the enrichment of an average
//! article. Most of the stream is English, and English is easy to tell: a
//! fifth or more of its words are among a few dozen function words (`the`,
//! `of`, `and` …) that other languages hardly use. That check runs first, on
//! the same sample, and only text that fails it goes to whatlang.

use std::ops::Range;

use crate::text::floor_char_boundary;
use crate::words::WordList;
use crate::{swar, Doc};

/// How much of the body (in bytes, cut at a character boundary) the
/// detector reads.
pub const SAMPLE_BYTES: usize = 2_000;

/// The language of `doc`: the event's own code (normalized) when it has
/// one, else a reliable detection, else `None`.
pub fn of(event_language: Option<&str>, doc: &Doc) -> Option<String> {
    // A tag that is no ISO 639-1 code (`english`, `fil`) would break the
    // output's contract (two lowercase letters): detection decides then.
    match event_language.map(normalize) {
        Some(code) if is_iso639_1(&code) => Some(code),
        _ => detect(doc).map(str::to_owned),
    }
}

/// Two lowercase ASCII letters, the shape of an ISO 639-1 code.
fn is_iso639_1(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_lowercase())
}

/// Normalizes an event's language tag to ISO 639-1 where it can: `en-US`
/// → `en`, `ukr` → `uk`, `EN` → `en`. Other tags pass lowercased.
pub fn normalize(tag: &str) -> String {
    let primary = tag
        .trim()
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    match primary.len() {
        3 => iso639_1(&primary).map_or(primary, str::to_owned),
        _ => primary,
    }
}

/// Words needed in the sample before the English check says anything.
const MIN_WORDS_FOR_ENGLISH: usize = 20;
/// The English check reads this much of the sample (about 170 words).
const ENGLISH_SAMPLE_BYTES: usize = 1_000;

/// Detects the language of the start of the body; `None` when whatlang is
/// not confident.
pub fn detect(doc: &Doc) -> Option<&'static str> {
    let sample = body_sample(doc, SAMPLE_BYTES);
    if is_clearly_english(prefix_at_char_boundary(&sample, ENGLISH_SAMPLE_BYTES)) {
        return Some("en");
    }
    let info = whatlang::detect(&sample)?;
    if !info.is_reliable() {
        return None;
    }
    iso639_1(info.lang().code())
}

/// At least [`MIN_WORDS_FOR_ENGLISH`] words, an eighth of them English
/// function words, two of them [`FunctionWord::EnglishOnly`]. News prose
/// dense with names runs at 15 to 30 % function words; German, Dutch or
/// French text shares a few of them (`in`, `was`, `a`, `of`) but stays well
/// under an eighth and has none of the English-only ones (`the`, `and`,
/// `with` …). Words are runs of ASCII letters and non-ASCII bytes (see
/// [`Words`]), so a non-English word (`thé`) never matches.
///
/// It stops as soon as the rest of the sample cannot change the answer:
/// the counts only grow, and the bytes left hold at most one word in two
/// (a word and the byte that parts it from the one before), so once the
/// function words are an eighth of the words even if all of those were
/// other words, they stay so. Most English text is told by three
/// quarters of the sample.
fn is_clearly_english(sample: &str) -> bool {
    let bytes = sample.as_bytes();
    let (mut words, mut function, mut english_only) = (0usize, 0usize, 0usize);
    for Range { start, end } in Words::new(bytes) {
        words += 1;
        // A word's ends are ASCII bytes or the sample's ends: char boundaries.
        match english_function_word(sample.get(start..end).unwrap_or_default()) {
            None => continue,
            Some(FunctionWord::Shared) => function += 1,
            Some(FunctionWord::EnglishOnly) => {
                function += 1;
                english_only += 1;
            }
        }
        let most_words_left = (bytes.len() - end).div_ceil(2);
        if words >= MIN_WORDS_FOR_ENGLISH
            && english_only >= 2
            && function * 8 >= words + most_words_left
        {
            return true;
        }
    }
    words >= MIN_WORDS_FOR_ENGLISH && function * 8 >= words && english_only >= 2
}

/// The words of a text for [`is_clearly_english`], as byte ranges:
/// maximal runs of ASCII letters and bytes of non-ASCII characters (so
/// `thé` is one word). The bytes are classified eight at a time into a
/// bit per byte for a block of 64, and the words are read off where the
/// bits change: a few instructions per word, and no loop whose exit, at
/// the end of each word, is hard to predict.
struct Words<'a> {
    bytes: &'a [u8],
    /// Where the next block starts.
    next: usize,
    /// Where the block read last starts.
    base: usize,
    /// Bit `k`: the word-byte bit changes at `base + k` (from the byte
    /// before): a word starts or ends there, by turns.
    changes: u64,
    /// Whether a word has started and not yet ended, and where it starts.
    in_word: bool,
    start: usize,
}

impl<'a> Words<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            next: 0,
            base: 0,
            changes: 0,
            in_word: false,
            start: 0,
        }
    }

    /// Reads the block at `next`: its word-byte bits (zeros past the end
    /// of the text), compared with themselves shifted by one byte.
    fn read_block(&mut self) {
        let mut bits = 0;
        for k in 0..8 {
            let Some(word) = swar::word_at(self.bytes, self.next + 8 * k) else {
                break;
            };
            let letters = swar::ascii_range_bits(word | (swar::LOW_BITS * 0x20), b'a'..=b'z');
            let marked = (letters | word) & swar::HIGH_BITS;
            // One bit per byte, byte `j`'s at bit `j` (no two products
            // of the multiplication overlap, so nothing carries).
            let packed = (marked >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56;
            bits |= packed << (8 * k);
        }
        self.changes = bits ^ ((bits << 1) | u64::from(self.in_word));
        self.base = self.next;
        self.next += 64;
    }
}

impl Iterator for Words<'_> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        loop {
            if self.changes != 0 {
                let at = self.base + self.changes.trailing_zeros() as usize;
                self.changes &= self.changes - 1;
                self.in_word = !self.in_word;
                if self.in_word {
                    self.start = at;
                    continue;
                }
                return Some(self.start..at);
            }
            if self.next >= self.bytes.len() {
                // A word that runs to the end of the text ends there.
                return std::mem::take(&mut self.in_word).then_some(self.start..self.bytes.len());
            }
            self.read_block();
        }
    }
}

/// What kind of English function word a word is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FunctionWord {
    /// Also a common word of another Latin-script language (`a`, `in`,
    /// `was`, `of`, `for` …).
    Shared,
    /// Hardly ever seen outside English text.
    EnglishOnly,
}

/// The most frequent words of English prose that other languages hardly
/// use (see [`FunctionWord::EnglishOnly`]), sorted, lowercase.
const ENGLISH_ONLY_WORDS: &[&str] = &[
    "and", "said", "that", "the", "their", "they", "this", "were", "which", "with",
];

/// The most frequent words of English prose that are also common in other
/// Latin-script languages (see [`FunctionWord::Shared`]), sorted, lowercase.
const SHARED_WORDS: &[&str] = &[
    "a", "are", "as", "at", "be", "but", "by", "for", "from", "had", "has", "have", "he", "his",
    "in", "is", "it", "not", "of", "on", "to", "was", "who", "will",
];

const ENGLISH_ONLY: WordList = WordList::new(ENGLISH_ONLY_WORDS);
const SHARED: WordList = WordList::new(SHARED_WORDS);

/// Whether `word` is an English function word, in any case, and which
/// kind. A word of non-ASCII bytes (`thé`) is in neither list.
fn english_function_word(word: &str) -> Option<FunctionWord> {
    if ENGLISH_ONLY.contains(word) {
        Some(FunctionWord::EnglishOnly)
    } else if SHARED.contains(word) {
        Some(FunctionWord::Shared)
    } else {
        None
    }
}

/// The body paragraphs joined by newlines, cut at `limit` bytes on a
/// character boundary.
fn body_sample(doc: &Doc, limit: usize) -> String {
    let mut sample = String::with_capacity(limit + 4);
    for p in &doc.body {
        if sample.len() >= limit {
            break;
        }
        let para = &doc.text[p.clone()];
        let room = limit - sample.len();
        sample.push_str(prefix_at_char_boundary(para, room));
        sample.push('\n');
    }
    sample
}

/// The longest prefix of `s` of at most `max` bytes that ends on a
/// character boundary.
fn prefix_at_char_boundary(s: &str, max: usize) -> &str {
    &s[..floor_char_boundary(s, max)]
}

/// ISO 639-3 (whatlang's codes) → ISO 639-1, for every language whatlang
/// knows that has a two-letter code.
fn iso639_1(code: &str) -> Option<&'static str> {
    let two = match code {
        "afr" => "af",
        "aka" => "ak",
        "amh" => "am",
        "ara" => "ar",
        "aze" => "az",
        "bel" => "be",
        "ben" => "bn",
        "bul" => "bg",
        "cat" => "ca",
        "ces" => "cs",
        "cmn" | "zho" => "zh",
        "cym" => "cy",
        "dan" => "da",
        "deu" => "de",
        "ell" => "el",
        "eng" => "en",
        "epo" => "eo",
        "est" => "et",
        "fin" => "fi",
        "fra" => "fr",
        "guj" => "gu",
        "heb" => "he",
        "hin" => "hi",
        "hrv" => "hr",
        "hun" => "hu",
        "hye" => "hy",
        "ind" => "id",
        "ita" => "it",
        "jav" => "jv",
        "jpn" => "ja",
        "kan" => "kn",
        "kat" => "ka",
        "khm" => "km",
        "kor" => "ko",
        "lat" => "la",
        "lav" => "lv",
        "lit" => "lt",
        "mal" => "ml",
        "mar" => "mr",
        "mkd" => "mk",
        "mya" => "my",
        "nep" => "ne",
        "nld" => "nl",
        "nob" | "nor" => "nb",
        "ori" => "or",
        "pan" => "pa",
        "pes" | "fas" => "fa",
        "pol" => "pl",
        "por" => "pt",
        "ron" => "ro",
        "rus" => "ru",
        "sin" => "si",
        "slk" => "sk",
        "slv" => "sl",
        "sna" => "sn",
        "spa" => "es",
        "srp" => "sr",
        "swe" => "sv",
        "tam" => "ta",
        "tel" => "te",
        "tgl" => "tl",
        "tha" => "th",
        "tuk" => "tk",
        "tur" => "tr",
        "ukr" => "uk",
        "urd" => "ur",
        "uzb" => "uz",
        "vie" => "vi",
        "yid" => "yi",
        "zul" => "zu",
        _ => return None,
    };
    Some(two)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(text: &str) -> Option<String> {
        of(None, &Doc::new(text))
    }

    #[test]
    fn event_language_wins_and_is_normalized() {
        let doc = Doc::new("Це українська мова, і вона звучить дуже гарно.");
        assert_eq!(of(Some("en-US"), &doc), Some("en".into()));
        assert_eq!(of(Some("UKR"), &doc), Some("uk".into()));
        assert_eq!(of(Some("  "), &doc), Some("uk".into()));
        // No ISO 639-1 code in the tag: the text's language.
        assert_eq!(of(Some("ukrainian"), &doc), Some("uk".into()));
        assert_eq!(of(Some("fil"), &doc), Some("uk".into()));
    }

    #[test]
    fn detects_common_languages() {
        assert_eq!(
            lang("The minister said on Tuesday that the government would present a new budget to parliament next week."),
            Some("en".into())
        );
        assert_eq!(
            lang("Міністр заявив у вівторок, що уряд наступного тижня представить парламенту новий бюджет."),
            Some("uk".into())
        );
        assert_eq!(
            lang("Le ministre a déclaré mardi que le gouvernement présenterait un nouveau budget au parlement la semaine prochaine."),
            Some("fr".into())
        );
    }

    #[test]
    fn english_shortcut_needs_enough_function_words() {
        let en = "The committee said that it will meet in the spring, and the members \
                  who were there agreed that the plan was not ready for a vote at all.";
        assert!(is_clearly_english(en));
        let de = "Der Ausschuss sagte, dass er sich im Frühjahr treffen wird, und die \
                  Mitglieder, die dort waren, stimmten zu, dass der Plan nicht bereit war.";
        assert!(!is_clearly_english(de));
        assert!(!is_clearly_english("the of and to in"));
        let nl = "De commissie zei dat zij in het voorjaar bijeenkomt, en de leden die er \
                  waren, waren het eens dat het plan nog niet klaar was voor een stemming.";
        assert!(!is_clearly_english(nl));
        // English without two `the`s, and German with an English name.
        let headline = "Poll finds Clinton would beat out Trump and Cruz. In hypothetical \
                        match-ups, Clinton would win by 10 points, with Sanders and others \
                        behind her for now.";
        assert!(is_clearly_english(headline));
        let de_with_name = "Die Zeitung The Guardian berichtet, dass der Plan nicht bereit \
                            war, und die Mitglieder waren in der Sitzung nicht da.";
        assert!(!is_clearly_english(de_with_name));
    }

    /// The bytes of words, as [`Words`] has them.
    fn is_word_byte(b: u8) -> bool {
        b.is_ascii_alphabetic() || !b.is_ascii()
    }

    /// [`english_function_word`] as first written.
    fn plain_function_word(word: &[u8]) -> Option<FunctionWord> {
        let lower = word.to_ascii_lowercase();
        let is = |list: &[&str]| list.iter().any(|w| w.as_bytes() == lower);
        if is(ENGLISH_ONLY_WORDS) {
            Some(FunctionWord::EnglishOnly)
        } else if is(SHARED_WORDS) {
            Some(FunctionWord::Shared)
        } else {
            None
        }
    }

    #[test]
    fn function_words_are_found_in_any_case_and_only_them() {
        let text = "The THE tHe a A an and AND said Said SAIDs thé Thé were WERE which \
                    whiches in In is it's ofa of on To wAs who will willing hé aé é";
        let bytes = text.as_bytes();
        for word in bytes.split(|&b| !is_word_byte(b)) {
            assert_eq!(
                english_function_word(std::str::from_utf8(word).unwrap()),
                plain_function_word(word),
                "{:?}",
                String::from_utf8_lossy(word)
            );
        }
        for (list, kind) in [
            (ENGLISH_ONLY_WORDS, FunctionWord::EnglishOnly),
            (SHARED_WORDS, FunctionWord::Shared),
        ] {
            for w in list {
                assert_eq!(english_function_word(&w.to_uppercase()), Some(kind));
            }
        }
    }

    #[test]
    fn english_shortcut_stops_early_only_when_the_rest_cannot_matter() {
        // The rule as first written: counts over the whole sample.
        let whole = |t: &str| {
            let words: Vec<&[u8]> = t
                .as_bytes()
                .split(|&b| !is_word_byte(b))
                .filter(|w| !w.is_empty())
                .collect();
            let kinds: Vec<_> = words
                .iter()
                .filter_map(|w| plain_function_word(w))
                .collect();
            let only = kinds
                .iter()
                .filter(|&&k| k == FunctionWord::EnglishOnly)
                .count();
            words.len() >= MIN_WORDS_FOR_ENGLISH && kinds.len() * 8 >= words.len() && only >= 2
        };
        let en = "The committee said that it will meet in the spring, and the members \
                  who were there agreed that the plan was not ready for a vote at all. ";
        let tail = "Unprecedented bureaucratic reorganizations notwithstanding, \
                    extraordinarily complicated x y z q w e r t y u i o p a s d f g h j k l ";
        for t in [
            en.repeat(3),
            format!("{en}{}", tail.repeat(4)),
            format!("{en}{en}{tail}"),
        ] {
            for end in (0..=t.len()).filter(|&e| t.is_char_boundary(e)) {
                assert_eq!(is_clearly_english(&t[..end]), whole(&t[..end]), "{end}");
            }
        }
    }

    #[test]
    fn words_are_the_runs_of_word_bytes() {
        let split = |t: &[u8]| -> Vec<Range<usize>> {
            t.split(|&b| !is_word_byte(b))
                .filter(|w| !w.is_empty())
                .map(|w| {
                    let start = w.as_ptr() as usize - t.as_ptr() as usize;
                    start..start + w.len()
                })
                .collect()
        };
        let text = "Thé cat, [sat] on@the`mat{in} 2024 — x\u{a0}y ÉTÉ zz ".repeat(5);
        for end in 0..=text.len() {
            for start in [0, 1, 7] {
                let t = &text.as_bytes()[start.min(end)..end];
                assert_eq!(Words::new(t).collect::<Vec<_>>(), split(t), "{start} {end}");
            }
        }
        let all_word_bytes = [b'a'; 128];
        let whole: Vec<Range<usize>> = Words::new(&all_word_bytes).collect();
        assert_eq!((whole.len(), whole[0].clone()), (1, 0..128));
    }

    #[test]
    fn unreliable_or_empty_text_gives_none() {
        assert_eq!(lang(""), None);
        assert_eq!(lang("🙂🙂🙂 123 !!!"), None);
        assert_eq!(lang("OK"), None);
    }

    #[test]
    fn sample_is_cut_on_a_character_boundary() {
        let t = "ї".repeat(3_000);
        let doc = Doc::new(&t);
        let s = body_sample(&doc, 1_001);
        assert!(s.len() <= 1_002);
        assert!(s.ends_with('\n'));
    }
}
