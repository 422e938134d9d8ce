//! One pass over the body's words for the word count, the content hash
//! and the SimHash: each word is folded (lowercase, letters and digits
//! only) once and feeds all three, with no allocation per word.

use xxhash_rust::xxh3::{xxh3_128, xxh3_64};

/// What the body's words give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    /// Words holding a letter or digit (as [`crate::text::word_count`]).
    pub words: usize,
    /// Hash of the body with case, punctuation and white space folded
    /// away, so that a wire story reposted with other line breaks or curly
    /// quotes hashes the same.
    pub content_hash: String,
    /// 64-bit SimHash over word trigrams (Charikar 2002): near-duplicate
    /// texts differ in few bits.
    pub simhash: u64,
}

pub fn of(paragraphs: &[&str]) -> Fingerprint {
    let mut normalized = String::new();
    let mut word = String::new();
    let mut simhash = SimHash::default();
    let mut words = 0;
    for w in paragraphs.iter().flat_map(|p| p.split_whitespace()) {
        fold_word(w, &mut word);
        if word.is_empty() {
            continue;
        }
        words += 1;
        normalized.push_str(&word);
        normalized.push(' ');
        simhash.add_word(&word);
    }
    Fingerprint {
        words,
        content_hash: format!("xxh3-{:032x}", xxh3_128(normalized.as_bytes())),
        simhash: simhash.finish(),
    }
}

/// Writes `word` into `out` lowercased with everything but letters and
/// digits dropped; ASCII words (most of them) take a fast path.
fn fold_word(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.extend(
            word.bytes()
                .filter(u8::is_ascii_alphanumeric)
                .map(|b| char::from(b.to_ascii_lowercase())),
        );
    } else {
        out.extend(
            word.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase),
        );
    }
}

/// SimHash state: the last three word hashes and per-bit counts of the
/// trigram hashes seen so far.
struct SimHash {
    window: [u64; 3],
    seen: usize,
    ones: [u32; 64],
    shingles: u32,
}

impl Default for SimHash {
    fn default() -> Self {
        Self {
            window: [0; 3],
            seen: 0,
            ones: [0; 64],
            shingles: 0,
        }
    }
}

impl SimHash {
    fn add_word(&mut self, word: &str) {
        self.window = [self.window[1], self.window[2], xxh3_64(word.as_bytes())];
        self.seen += 1;
        if self.seen >= 3 {
            self.count(mix(&self.window));
        }
    }

    fn count(&mut self, h: u64) {
        // A loop the compiler vectorizes.
        for (bit, n) in self.ones.iter_mut().enumerate() {
            *n += u32::from((h >> bit) & 1 == 1);
        }
        self.shingles += 1;
    }

    fn finish(mut self) -> u64 {
        if (1..3).contains(&self.seen) {
            // Fewer words than a trigram: hash what there is.
            self.count(mix(&self.window));
        }
        let half = self.shingles;
        self.ones
            .iter()
            .enumerate()
            .filter(|(_, &n)| 2 * n > half)
            .fold(0u64, |acc, (bit, _)| acc | 1 << bit)
    }
}

/// The hash of a trigram from its three word hashes: order-sensitive
/// (rotations) and avalanched (the SplitMix64 finalizer).
fn mix(window: &[u64; 3]) -> u64 {
    let mut z = window[0].rotate_left(42) ^ window[1].rotate_left(21) ^ window[2];
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_match_the_text_word_count() {
        let t = "“Hello, world” — he said . 3 ½ 🙂";
        assert_eq!(of(&[t]).words, crate::text::word_count(t));
    }

    #[test]
    fn content_hash_ignores_layout_and_punctuation() {
        assert_eq!(
            of(&["“Hello,” World"]).content_hash,
            of(&["\"hello\"", "world"]).content_hash
        );
        assert_ne!(
            of(&["hello world"]).content_hash,
            of(&["hello there"]).content_hash
        );
        assert_eq!(
            of(&["Ünïcode ÉTÉ"]).content_hash,
            of(&["ünïcode été"]).content_hash
        );
    }

    #[test]
    fn simhash_of_short_and_empty_texts() {
        assert_eq!(of(&[]).simhash, 0);
        assert_eq!(of(&["", "  "]).simhash, 0);
        assert_ne!(of(&["one two"]).simhash, 0);
        assert_eq!(of(&["One, two!"]).simhash, of(&["one two"]).simhash);
    }

    #[test]
    fn simhash_near_duplicates_are_close() {
        let a = "the quick brown fox jumps over the lazy dog near the river bank today";
        let b = "the quick brown fox jumps over the lazy dog near the river bank tonight";
        let c = "completely different words about parliament budget votes in another country";
        let h = |t: &str| of(&[t]).simhash;
        let d = |x: u64, y: u64| (x ^ y).count_ones();
        assert!(d(h(a), h(b)) < d(h(a), h(c)));
    }
}
