//! Fixed word lists (function words, titles, speech verbs) and the one
//! question every extractor asks of them: is this token one of these
//! words?
//!
//! The extractors ask it for nearly every token, and nearly every answer
//! is no. So a list carries a [`Shape`]: a bit set of its words'
//! signatures (length, first and last byte). A word whose bit is not set
//! is rejected with one bit test, before any string comparison; the words
//! that pass are looked up by binary search, comparing bytes without case
//! and without allocating. Lists are checked at compile time to be sorted,
//! lowercase ASCII.

use std::cmp::Ordering;

/// A 1,024-bit set of word signatures (length, first and last byte,
/// ignoring ASCII case): a word whose signature is not in the set is in no
/// list it was built from. For a list of a hundred words, fewer than one
/// in ten other words gets past it.
#[derive(Debug, Clone, Copy)]
struct Shape {
    bits: [u64; 16],
}

impl Shape {
    const EMPTY: Shape = Shape { bits: [0; 16] };

    /// Adds one word to the shape.
    const fn with(mut self, word: &str) -> Self {
        if let Some(bit) = signature(word.as_bytes()) {
            self.bits[bit / 64] |= 1 << (bit % 64);
        }
        self
    }

    /// False when no word of the list can equal `word`, even ignoring
    /// ASCII case; true means "maybe".
    #[inline]
    fn admits(&self, word: &str) -> bool {
        signature(word.as_bytes()).is_some_and(|bit| self.bits[bit / 64] & (1 << (bit % 64)) != 0)
    }
}

/// The signature bit of a word: a multiplicative hash of its length and
/// its lowercased first and last bytes.
const fn signature(bytes: &[u8]) -> Option<usize> {
    let [first, ..] = bytes else {
        return None;
    };
    let last = bytes[bytes.len() - 1];
    let key = (bytes.len() as u64)
        | (first.to_ascii_lowercase() as u64) << 16
        | (last.to_ascii_lowercase() as u64) << 24;
    // Fibonacci hashing: the top 10 bits of the product.
    Some((key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 54) as usize)
}

/// Compares `a` with `b` lowercased (`a` is lowercase already).
fn cmp_ignore_case(a: &[u8], b: &[u8]) -> Ordering {
    for (&x, &y) in a.iter().zip(b) {
        let y = y.to_ascii_lowercase();
        if x != y {
            return x.cmp(&y);
        }
    }
    a.len().cmp(&b.len())
}

const fn is_lowercase_ascii(word: &str) -> bool {
    let bytes = word.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii() || bytes[i].is_ascii_uppercase() {
            return false;
        }
        i += 1;
    }
    true
}

/// `a < b` in byte order, in a `const fn`.
const fn less(a: &[u8], b: &[u8]) -> bool {
    let mut i = 0;
    while i < a.len() && i < b.len() {
        if a[i] != b[i] {
            return a[i] < b[i];
        }
        i += 1;
    }
    a.len() < b.len()
}

/// A sorted list of lowercase ASCII words with its [`Shape`].
#[derive(Debug, Clone, Copy)]
pub struct WordList {
    words: &'static [&'static str],
    shape: Shape,
}

impl WordList {
    /// Builds the list at compile time: `const X: WordList =
    /// WordList::new(&[…])`. A list that is not sorted, lowercase ASCII
    /// without duplicates fails the build.
    pub const fn new(words: &'static [&'static str]) -> Self {
        let mut shape = Shape::EMPTY;
        let mut i = 0;
        while i < words.len() {
            assert!(
                is_lowercase_ascii(words[i]),
                "word lists are lowercase ASCII"
            );
            assert!(
                i == 0 || less(words[i - 1].as_bytes(), words[i].as_bytes()),
                "word lists are sorted, without duplicates"
            );
            shape = shape.with(words[i]);
            i += 1;
        }
        Self { words, shape }
    }

    /// A list of words known only at run time (the speech-verb forms,
    /// generated from their base forms): sorted and deduplicated here, and
    /// kept for the life of the process, as lexicons are.
    ///
    /// # Panics
    ///
    /// On a word that is not lowercase ASCII: the lexicons are compiled in,
    /// so a test catches it.
    pub fn from_words(mut words: Vec<String>) -> Self {
        words.sort_unstable();
        words.dedup();
        let words: Vec<&'static str> = words.into_iter().map(|w| &*w.leak()).collect();
        let mut shape = Shape::EMPTY;
        for w in &words {
            assert!(
                is_lowercase_ascii(w),
                "word lists are lowercase ASCII: {w:?}"
            );
            shape = shape.with(w);
        }
        Self {
            words: words.leak(),
            shape,
        }
    }

    /// Whether `word` is in the list, ignoring ASCII case.
    #[inline]
    pub fn contains(&self, word: &str) -> bool {
        self.shape.admits(word) && self.search(word)
    }

    /// Whether `word` is in the list exactly as written (so in lowercase).
    #[inline]
    pub fn contains_exact(&self, word: &str) -> bool {
        self.shape.admits(word)
            && !word.bytes().any(|b| b.is_ascii_uppercase())
            && self.search(word)
    }

    fn search(&self, word: &str) -> bool {
        self.words
            .binary_search_by(|w| cmp_ignore_case(w.as_bytes(), word.as_bytes()))
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: WordList = WordList::new(&["according", "said", "told"]);

    #[test]
    fn finds_words_in_any_ascii_case() {
        for w in ["said", "Said", "TOLD", "according"] {
            assert!(LIST.contains(w), "{w}");
        }
        for w in [
            "",
            "sai",
            "saidx",
            "sold",
            "tell",
            "accordingly",
            "ſaid",
            "“said",
        ] {
            assert!(!LIST.contains(w), "{w}");
        }
    }

    #[test]
    fn exact_match_keeps_case() {
        assert!(LIST.contains_exact("said"));
        assert!(!LIST.contains_exact("Said"));
    }

    #[test]
    fn lists_made_at_run_time_find_their_words_in_any_case() {
        let long = "x".repeat(300);
        let list = WordList::from_words(vec!["said".into(), "a".into(), long.clone(), "a".into()]);
        for w in ["a", "said", long.as_str()] {
            assert!(list.contains(w) && list.contains(&w.to_uppercase()), "{w}");
        }
        assert!(!list.contains("") && !list.contains("b"));
    }
}
