//! Fixed word lists (function words, titles, speech verbs) and the one
//! question every extractor asks of them: is this token one of these
//! words?
//!
//! The extractors ask it for nearly every token, and nearly every answer
//! is no. So a list carries a [`Shape`]: the set of its words' lengths and
//! the set of their first bytes (in both ASCII cases). A word whose length
//! or first byte is not in the sets is rejected with two bit tests, before
//! any string comparison; the words that pass are looked up by binary
//! search, comparing bytes without case and without allocating. Lists are
//! checked at compile time to be sorted, lowercase ASCII.

use std::cmp::Ordering;

/// The lengths and first bytes of a list's words.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// Bit `n`: some word is `n` bytes long (words of 64 bytes or more
    /// set bit 63).
    lengths: u64,
    /// Bit `b`: some word starts with byte `b`, or with its other ASCII
    /// case.
    firsts: [u64; 4],
}

impl Shape {
    const EMPTY: Shape = Shape {
        lengths: 0,
        firsts: [0; 4],
    };

    /// Adds one word to the shape.
    const fn with(mut self, word: &str) -> Self {
        let bytes = word.as_bytes();
        if bytes.is_empty() {
            return self;
        }
        self.lengths |= 1 << length_bit(bytes.len());
        let first = bytes[0];
        let lower = first.to_ascii_lowercase();
        let upper = first.to_ascii_uppercase();
        self.firsts[(lower / 64) as usize] |= 1 << (lower % 64);
        self.firsts[(upper / 64) as usize] |= 1 << (upper % 64);
        self
    }

    /// False when no word of the list can equal `word`, even ignoring
    /// ASCII case; true means "maybe".
    #[inline]
    pub fn admits(&self, word: &str) -> bool {
        let bytes = word.as_bytes();
        let Some(&first) = bytes.first() else {
            return false;
        };
        self.lengths & (1 << length_bit(bytes.len())) != 0
            && self.firsts[usize::from(first / 64)] & (1 << (first % 64)) != 0
    }
}

/// Compares `a` with `b` lowercased (`a` is lowercase already).
pub(crate) fn cmp_ignore_case(a: &[u8], b: &[u8]) -> Ordering {
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

const fn length_bit(len: usize) -> usize {
    if len < 63 {
        len
    } else {
        63
    }
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

    /// Whether `word` is in the list, ignoring ASCII case.
    #[inline]
    pub fn contains(&self, word: &str) -> bool {
        self.shape.admits(word)
            && self
                .words
                .binary_search_by(|w| cmp_ignore_case(w.as_bytes(), word.as_bytes()))
                .is_ok()
    }

    /// Whether `word` is in the list exactly as written (so in lowercase).
    #[inline]
    pub fn contains_exact(&self, word: &str) -> bool {
        !word.bytes().any(|b| b.is_ascii_uppercase()) && self.contains(word)
    }
}

/// The [`Shape`] of words known only at run time (the speech-verb forms
/// generated from their base forms).
pub fn shape_of<'a>(words: impl IntoIterator<Item = &'a str>) -> Shape {
    words.into_iter().fold(Shape::EMPTY, Shape::with)
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
    fn long_words_share_the_last_length_bit() {
        let long = "a".repeat(70);
        let list = shape_of([long.as_str()]);
        assert!(list.admits(&"a".repeat(80)));
        assert!(!list.admits("a"));
    }
}
