//! ASCII byte tests on eight bytes at once ("SIMD within a register"):
//! plain `u64` arithmetic, no `unsafe` and no target features.
//!
//! The scans that skip prose (capitals for the gazetteer, letter counts
//! for the shouting and boilerplate tests, letter runs for the tokenizer
//! and the fingerprint) spend most of their time on bytes that do not
//! interest them; testing a word of eight bytes in a few instructions is
//! what makes them cheap. A word holds its bytes little-endian (byte `k`
//! in bits `8k..8k + 8`), and every test answers with the top bit of each
//! byte it marks, so `trailing_zeros() / 8` is the first marked byte.

use std::ops::RangeInclusive;

/// The top bit of each byte of a word.
pub(crate) const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
/// The low bit of each byte of a word: times `b`, `b` in every byte.
pub(crate) const LOW_BITS: u64 = 0x0101_0101_0101_0101;

/// The eight bytes of `bytes` from `at` as a word, padded with zeros past
/// the end; `None` from the end on.
pub(crate) fn word_at(bytes: &[u8], at: usize) -> Option<u64> {
    let rest = bytes.get(at..).filter(|rest| !rest.is_empty())?;
    let word = match rest.first_chunk::<8>() {
        Some(word) => *word,
        None => {
            let mut word = [0; 8];
            word[..rest.len()].copy_from_slice(rest);
            word
        }
    };
    Some(u64::from_le_bytes(word))
}

/// The top bit of every byte of `word` that lies in `range`, a range of
/// ASCII bytes other than NUL.
pub(crate) fn ascii_range_bits(word: u64, range: RangeInclusive<u8>) -> u64 {
    debug_assert!(*range.start() > 0 && *range.end() < 0x80);
    // Each byte of `x` is at least 0x80, so no subtraction borrows from
    // the next byte; a byte keeps its top bit when its low seven bits are
    // at least the subtrahend.
    let x = word | HIGH_BITS;
    let from_start = x - LOW_BITS * u64::from(*range.start());
    let past_end = x - LOW_BITS * u64::from(*range.end() + 1);
    from_start & !past_end & !word & HIGH_BITS
}

/// The top bit of every byte of `word` that is an ASCII letter or digit.
pub(crate) fn ascii_alnum_bits(word: u64) -> u64 {
    // With the top bits cleared, adding `0x80 - lo` to a byte cannot carry
    // into the next one, and sets its top bit exactly when it is >= `lo`.
    let low = word & !HIGH_BITS;
    let at_least = |v: u64, lo: u8| v + LOW_BITS * u64::from(0x80 - lo);
    let within = |v: u64, lo: u8, hi: u8| at_least(v, lo) & !at_least(v, hi + 1);
    let digits = within(low, b'0', b'9');
    // Setting bit 5 maps `A..=Z` onto `a..=z` and nothing else onto them.
    let letters = within(low | (LOW_BITS * 0x20), b'a', b'z');
    (digits | letters) & !word & HIGH_BITS
}

/// How many bytes a test above marked.
pub(crate) fn count_marked(bits: u64) -> usize {
    // The multiplication sums the bytes' 0 or 1 into the top byte.
    ((bits >> 7).wrapping_mul(LOW_BITS) >> 56) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte value in every lane, among neighbours of every kind.
    fn words() -> impl Iterator<Item = [u8; 8]> {
        (0..=255u8).flat_map(|b| {
            (0..8).flat_map(move |lane| {
                [b'a', b'Z', b'0', b' ', b'.', 0x7f, 0x80, 0xc3, 0xff].map(|fill| {
                    let mut bytes = [fill; 8];
                    bytes[lane] = b;
                    bytes
                })
            })
        })
    }

    fn marked(bits: u64) -> Vec<bool> {
        (0..8).map(|k| (bits >> (8 * k + 7)) & 1 == 1).collect()
    }

    #[test]
    fn tests_agree_with_byte_by_byte_answers() {
        for bytes in words() {
            let word = u64::from_le_bytes(bytes);
            let alnum = ascii_alnum_bits(word);
            assert_eq!(
                marked(alnum),
                bytes.map(|b| b.is_ascii_alphanumeric()),
                "{bytes:?}"
            );
            assert_eq!(alnum & !HIGH_BITS, 0);
            let upper = ascii_range_bits(word, b'A'..=b'Z');
            assert_eq!(
                marked(upper),
                bytes.map(|b| b.is_ascii_uppercase()),
                "{bytes:?}"
            );
            let blank = ascii_range_bits(word, b'\t'..=b'\r');
            assert_eq!(
                marked(blank),
                bytes.map(|b| (9..=13).contains(&b)),
                "{bytes:?}"
            );
            assert_eq!(
                count_marked(upper),
                bytes.iter().filter(|b| b.is_ascii_uppercase()).count()
            );
        }
    }

    #[test]
    fn words_are_padded_at_the_end() {
        assert_eq!(
            word_at(b"abc", 1),
            Some(u64::from_le_bytes(*b"bc\0\0\0\0\0\0"))
        );
        assert_eq!(
            word_at(b"abcdefghij", 0),
            Some(u64::from_le_bytes(*b"abcdefgh"))
        );
        assert_eq!(word_at(b"abc", 3), None);
        assert_eq!(word_at(b"abc", 9), None);
    }
}
