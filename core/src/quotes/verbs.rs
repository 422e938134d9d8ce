//! The speech-verb lexicon: every form of the verbs that report speech.

use std::sync::LazyLock;

use crate::words::WordList;

/// The speech-verb lexicon, built once.
static LEXICON: LazyLock<Lexicon> = LazyLock::new(Lexicon::new);

/// Number of three-letter starts, `aaa` to `zzz`.
const STARTS: usize = 26 * 26 * 26;

struct Lexicon {
    /// All forms of the verbs in `data/speech-verbs.txt`, lowercase.
    forms: WordList,
    /// One bit per three-letter start that some form has (`sai`, `tel`):
    /// patterns ask about the words near every quotation, most are no
    /// verb, and this test turns away five in six before the search.
    starts: [u64; STARTS.div_ceil(64)],
}

impl Lexicon {
    fn new() -> Self {
        let mut forms = Vec::new();
        for line in include_str!("../../data/speech-verbs.txt").lines() {
            if line.starts_with('#') {
                continue;
            }
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                [] => {}
                [base] => forms.extend(regular_forms(base)),
                all => forms.extend(all.iter().map(|w| (*w).to_owned())),
            }
        }
        let mut starts = [0; STARTS.div_ceil(64)];
        for form in &forms {
            let k = start_index(form.as_bytes())
                .unwrap_or_else(|| panic!("speech verbs start with three letters: {form:?}"));
            starts[k / 64] |= 1 << (k % 64);
        }
        Self {
            forms: WordList::from_words(forms),
            starts,
        }
    }
}

/// The index of a word's first three letters, ignoring ASCII case, or
/// `None` when they are not three ASCII letters.
fn start_index(word: &[u8]) -> Option<usize> {
    let [a, b, c, ..] = word else {
        return None;
    };
    // Setting bit 5 lowercases an ASCII letter and takes no other byte
    // into `a..=z`: a letter's number from 0, or 26 and more for another
    // byte.
    let letter = |x: &u8| {
        let k = (x | 0x20).wrapping_sub(b'a');
        (k < 26).then_some(usize::from(k))
    };
    Some((letter(a)? * 26 + letter(b)?) * 26 + letter(c)?)
}

/// `add` → add, adds, added, adding; `argue` → argues, argued, arguing;
/// `cry`-type and doubling verbs list their forms in the data file.
fn regular_forms(base: &str) -> Vec<String> {
    let (past, ing) = match base.strip_suffix('e') {
        Some(_) if base.ends_with("ee") => (format!("{base}d"), format!("{base}ing")),
        Some(stem) => (format!("{base}d"), format!("{stem}ing")),
        None => (format!("{base}ed"), format!("{base}ing")),
    };
    let third = if base.ends_with('s')
        || base.ends_with("sh")
        || base.ends_with("ch")
        || base.ends_with('x')
    {
        format!("{base}es")
    } else {
        format!("{base}s")
    };
    vec![base.to_owned(), third, past, ing]
}

/// True when `word` (any ASCII case) is a form of a speech verb.
pub fn is_speech_verb(word: &str) -> bool {
    let lexicon = &*LEXICON;
    start_index(word.as_bytes()).is_some_and(|k| lexicon.starts[k / 64] & (1 << (k % 64)) != 0)
        && lexicon.forms.contains(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tense_is_known() {
        for w in [
            "said",
            "says",
            "say",
            "saying",
            "told",
            "adds",
            "added",
            "stressed",
            "argues",
            "argued",
            "arguing",
            "replied",
            "wrote",
            "written",
            "Tweeted",
            "insisting",
        ] {
            assert!(is_speech_verb(w), "{w}");
        }
        for w in ["house", "the", "sad", "Ukraine"] {
            assert!(!is_speech_verb(w), "{w}");
        }
    }

    #[test]
    fn the_start_test_lets_every_form_through_in_any_case() {
        for line in include_str!("../../data/speech-verbs.txt").lines() {
            if line.starts_with('#') {
                continue;
            }
            let words: Vec<&str> = line.split_whitespace().collect();
            let forms = match words.as_slice() {
                [base] => regular_forms(base),
                all => all.iter().map(|w| (*w).to_owned()).collect(),
            };
            for w in forms {
                assert!(is_speech_verb(&w), "{w}");
                assert!(is_speech_verb(&w.to_uppercase()), "{w}");
            }
        }
        for w in ["sa", "s4id", "sa’d", ""] {
            assert!(!is_speech_verb(w), "{w}");
        }
    }
}
