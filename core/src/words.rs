//! Fixed word lists (function words, titles, speech verbs) and the one
//! question every extractor asks of them: is this token one of these
//! words?
//!
//! The extractors ask it for nearly every token, and nearly every answer
//! is no. So a list is kept as a small open-addressing hash table, keyed
//! by a word's signature (length, first and last byte, ignoring ASCII
//! case): a word whose signature slot is empty is rejected with one load,
//! and a word of the list is found at its slot or a few slots on, with one
//! case-blind comparison each, instead of a binary search. Lists are
//! checked at compile time to be sorted, lowercase ASCII.

/// Slots of a list's table: a power of two, at least a third more than
/// the longest list (the speech-verb forms, about 560 words), so that
/// probe runs stay short.
const SLOTS: usize = 1024;

/// The most words a list holds, leaving a quarter of the slots empty: a
/// probe stops at the first empty slot.
const MAX_WORDS: usize = SLOTS / 4 * 3;

/// The first slot probed for a word: a multiplicative hash of its length
/// and its first and last bytes, ignoring ASCII case, or `None` for the
/// empty word.
const fn signature(bytes: &[u8]) -> Option<usize> {
    let [first, ..] = bytes else {
        return None;
    };
    let last = bytes[bytes.len() - 1];
    // Setting bit 5 lowercases an ASCII letter; other bytes may collide
    // with one another, which only costs a comparison.
    let key = (bytes.len() as u64) | ((*first as u64) << 16) | ((last as u64) << 24) | 0x2020_0000;
    // Fibonacci hashing: the top 10 bits of the product.
    Some((key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 54) as usize)
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

/// Slot `s` of a table holds `0` when empty, else one more than the index
/// of its word; a word sits at its signature slot or, when that is taken,
/// at the next free one (wrapping around). This is that free slot for
/// `word`, or `None` for the empty word, which is in no list.
const fn free_slot(slots: &[u16; SLOTS], word: &str) -> Option<usize> {
    let Some(mut s) = signature(word.as_bytes()) else {
        return None;
    };
    while slots[s] != 0 {
        s = (s + 1) % SLOTS;
    }
    Some(s)
}

/// A list of lowercase ASCII words, in its hash table.
#[derive(Debug, Clone, Copy)]
pub struct WordList {
    words: &'static [&'static str],
    slots: [u16; SLOTS],
}

impl WordList {
    /// Builds the list at compile time: `const X: WordList =
    /// WordList::new(&[…])`. A list that is not sorted, lowercase ASCII
    /// without duplicates, or is longer than [`MAX_WORDS`], fails the
    /// build.
    pub const fn new(words: &'static [&'static str]) -> Self {
        assert!(words.len() <= MAX_WORDS, "word list too long");
        let mut slots = [0; SLOTS];
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
            if let Some(s) = free_slot(&slots, words[i]) {
                slots[s] = i as u16 + 1;
            }
            i += 1;
        }
        Self { words, slots }
    }

    /// A list of words known only at run time (the speech-verb forms,
    /// generated from their base forms): deduplicated here, and kept for
    /// the life of the process, as lexicons are.
    ///
    /// # Panics
    ///
    /// On a word that is not lowercase ASCII, or on more than
    /// [`MAX_WORDS`] words: the lexicons are compiled in, so a test
    /// catches it.
    pub fn from_words(words: Vec<String>) -> Self {
        let mut kept: Vec<&'static str> = Vec::with_capacity(words.len());
        let mut slots = [0; SLOTS];
        for w in words {
            assert!(
                is_lowercase_ascii(&w),
                "word lists are lowercase ASCII: {w:?}"
            );
            // A duplicate is found in the table as it grows: no sort.
            if lookup(&slots, &kept, &w).is_none() {
                assert!(kept.len() < MAX_WORDS, "word list too long");
                if let Some(s) = free_slot(&slots, &w) {
                    slots[s] = kept.len() as u16 + 1;
                }
                kept.push(w.leak());
            }
        }
        Self {
            words: kept.leak(),
            slots,
        }
    }

    /// Whether `word` is in the list, ignoring ASCII case.
    #[inline]
    pub fn contains(&self, word: &str) -> bool {
        self.find(word).is_some()
    }

    /// Whether `word` is in the list exactly as written (so in lowercase).
    #[inline]
    pub fn contains_exact(&self, word: &str) -> bool {
        self.find(word).is_some_and(|w| w == word)
    }

    /// The word of the list equal to `word` ignoring ASCII case.
    #[inline(always)]
    fn find(&self, word: &str) -> Option<&'static str> {
        lookup(&self.slots, self.words, word)
    }
}

/// The word of `words`, in their table `slots`, equal to `word` ignoring
/// ASCII case (there is at most one, as the words are distinct and
/// lowercase). Words of another length on the probe run are passed over
/// without comparing. Always inlined: it is asked of nearly every token,
/// and as a call its entry and exit cost a third of it.
#[inline(always)]
fn lookup<'w>(slots: &[u16; SLOTS], words: &[&'w str], word: &str) -> Option<&'w str> {
    let mut s = signature(word.as_bytes())?;
    loop {
        let w = words[usize::from(slots[s]).checked_sub(1)?];
        if w.len() == word.len() && w.eq_ignore_ascii_case(word) {
            return Some(w);
        }
        s = (s + 1) % SLOTS;
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

    #[test]
    fn long_lists_find_every_word_past_colliding_slots() {
        // Many words share a signature (`wa…a`, length 4): they sit on
        // one probe run.
        let words: Vec<String> = (0..MAX_WORDS)
            .map(|i| format!("w{}{i}a", "a".repeat(i % 7)))
            .collect();
        let list = WordList::from_words(words.clone());
        for w in &words {
            assert!(list.contains(w) && list.contains_exact(w), "{w}");
            assert!(!list.contains(&format!("{w}x")), "{w}x");
        }
        assert!(list.contains("W0A") && !list.contains_exact("W0A"));
    }
}
