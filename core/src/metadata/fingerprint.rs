//! One pass over the body's words for the word count, the content hash
//! and the SimHash: each word is folded (lowercase, letters and digits
//! only) once and feeds all three, with no allocation per word.

use xxhash_rust::xxh3::xxh3_128;

use crate::swar::{ascii_alnum_bits, HIGH_BITS, LOW_BITS};

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
    // Folded ASCII text is at most as long as the text plus the space
    // after each paragraph's last word: `normalized` is allocated once
    // (only lowercase letters longer than their capital can outgrow it).
    let bytes: usize = paragraphs.iter().map(|p| p.len() + 1).sum();
    let mut folder = Folder {
        normalized: Vec::with_capacity(bytes),
        // News prose averages six bytes a word, space included.
        word_hashes: Vec::with_capacity(bytes / 4),
        ..Folder::default()
    };
    for p in paragraphs {
        folder.paragraph(p);
    }
    Fingerprint {
        words: folder.word_hashes.len(),
        content_hash: format!("xxh3-{:032x}", xxh3_128(&folder.normalized)),
        simhash: simhash(&folder.word_hashes),
    }
}

/// What [`Folder`] does with a byte of the text.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// An ASCII letter or digit: kept, lowercased.
    Keep,
    /// ASCII white space (as `char::is_whitespace` has it, so `\x0B` too):
    /// ends the word.
    Space,
    /// Other ASCII (punctuation, controls): dropped inside the word.
    Drop,
    /// Part of a multi-byte character, decoded to decide.
    NonAscii,
}

/// The [`Class`] of every byte: one load instead of a chain of range
/// tests per byte.
const CLASS: [Class; 256] = {
    let mut table = [Class::NonAscii; 256];
    let mut b = 0;
    while b < 128 {
        let byte = b as u8;
        table[b] = if byte.is_ascii_alphanumeric() {
            Class::Keep
        } else if matches!(byte, b' ' | b'\t'..=b'\r') {
            Class::Space
        } else {
            Class::Drop
        };
        b += 1;
    }
    table
};

/// Setting bit 5 lowercases an ASCII letter and leaves a digit as it is:
/// one `|` folds a [`Class::Keep`] byte, or eight at once.
const TO_LOWER: u8 = 0x20;
/// [`TO_LOWER`] in every byte.
const TO_LOWER_ALL: u64 = LOW_BITS * TO_LOWER as u64;

/// Folds words (lowercase, letters and digits only; words split on
/// Unicode white space as `split_whitespace` does) into the normalized
/// text and one hash per word, in one pass: runs of ASCII letters and
/// digits are copied eight bytes at a time, other characters decoded one
/// by one.
#[derive(Default)]
struct Folder {
    normalized: Vec<u8>,
    /// One hash per word, in order: their count is the word count, and
    /// their trigrams make the SimHash.
    word_hashes: Vec<u64>,
    /// Start in `normalized` of the word being folded.
    word_start: usize,
}

impl Folder {
    fn paragraph(&mut self, p: &str) {
        let bytes = p.as_bytes();
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            i = match CLASS[usize::from(b)] {
                Class::Keep => self.ascii_run(bytes, i),
                Class::Space => {
                    self.end_word();
                    i + 1
                }
                Class::Drop => i + 1,
                Class::NonAscii => self.non_ascii(p, i),
            };
        }
        self.end_word();
    }

    /// Appends the run of ASCII letters and digits starting at `start`,
    /// lowercased, and returns where it ends. When a space ends it (most
    /// runs), ends the word and goes on with the run after the space,
    /// without a return to [`Folder::paragraph`]'s dispatch. Eight bytes
    /// at a time while eight are left (most words fit in one step), then
    /// byte by byte.
    fn ascii_run(&mut self, bytes: &[u8], start: usize) -> usize {
        let mut i = start;
        while let Some(chunk) = bytes[i..].first_chunk::<8>() {
            let x = u64::from_le_bytes(*chunk);
            let kept = (!ascii_alnum_bits(x) & HIGH_BITS).trailing_zeros() as usize / 8;
            // All eight bytes go in, lowercased, and the run is kept.
            let lowered = x | TO_LOWER_ALL;
            let len = self.normalized.len();
            self.normalized.extend_from_slice(&lowered.to_le_bytes());
            self.normalized.truncate(len + kept);
            i += kept;
            if kept < 8 {
                if (x >> (8 * kept)) as u8 != b' ' {
                    return i;
                }
                if kept > 0 && len == self.word_start {
                    // The whole word is in `lowered`: hash it from there.
                    self.push_word(lanes_hash(lowered, kept));
                } else {
                    self.end_word();
                }
                // The next word most often starts right after the space:
                // go on with it here (if it does not, nothing is kept).
                i += 1;
            }
        }
        let rest = &bytes[i..];
        let len = rest
            .iter()
            .position(|&b| CLASS[usize::from(b)] != Class::Keep)
            .unwrap_or(rest.len());
        self.normalized
            .extend(rest[..len].iter().map(|&b| b | TO_LOWER));
        if rest.get(len) == Some(&b' ') {
            self.end_word();
            return i + len + 1;
        }
        i + len
    }

    /// Folds the character starting at byte `i` of `p` (not ASCII);
    /// returns where it ends.
    fn non_ascii(&mut self, p: &str, i: usize) -> usize {
        let Some(c) = p[i..].chars().next() else {
            return p.len();
        };
        if c.is_whitespace() {
            self.end_word();
        } else if crate::text::is_alphanumeric(c) {
            let mut buf = [0u8; 4];
            for lower in c.to_lowercase() {
                self.normalized
                    .extend_from_slice(lower.encode_utf8(&mut buf).as_bytes());
            }
        }
        i + c.len_utf8()
    }

    fn end_word(&mut self) {
        let word = &self.normalized[self.word_start..];
        if word.is_empty() {
            return;
        }
        self.push_word(word_hash(word));
    }

    /// Ends the word folded since `word_start`, whose hash is `hash`.
    fn push_word(&mut self, hash: u64) {
        self.word_hashes.push(hash);
        self.normalized.push(b' ');
        self.word_start = self.normalized.len();
    }
}

/// The hash of a folded word (FxHash's step: fast, and the trigram
/// [`mix`] avalanches the result).
fn word_hash(word: &[u8]) -> u64 {
    word.iter().fold(0, |h, &byte| hash_byte(h, byte))
}

/// One step of [`word_hash`].
fn hash_byte(h: u64, byte: u8) -> u64 {
    (h.rotate_left(5) ^ u64::from(byte)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95)
}

/// The [`word_hash`] of the folded word in the low `len` bytes (1 to 7) of
/// `lanes`, without reading it back from memory. The hash after each of
/// the seven bytes is computed, whatever `len` is, and the one after the
/// word's last byte is picked: a loop that stopped at the word's end
/// would mispredict its exit at nearly every word, as word lengths follow
/// no pattern, and cost more than the steps it saves.
fn lanes_hash(lanes: u64, len: usize) -> u64 {
    let mut after = [0u64; 8];
    let mut h = 0;
    for (k, slot) in after.iter_mut().enumerate().skip(1) {
        h = hash_byte(h, (lanes >> (8 * (k - 1))) as u8);
        *slot = h;
    }
    after[len & 7]
}

/// The SimHash of the word trigrams: bit `i` is set when more than half
/// of the trigram hashes have it. Fewer words than a trigram are hashed
/// as one, padded with zeros in front.
fn simhash(word_hashes: &[u64]) -> u64 {
    let padded;
    let hashes = match word_hashes {
        [] => return 0,
        [one] => {
            padded = [0, 0, *one];
            &padded[..]
        }
        [one, two] => {
            padded = [0, *one, *two];
            &padded[..]
        }
        _ => word_hashes,
    };
    let mut counts = BitCounts::new();
    let mut windows = hashes.windows(3);
    loop {
        // Eight trigram hashes at a time; zeros after the last set no bit.
        let mut block = [0; 8];
        let mut filled = 0;
        for (slot, w) in block.iter_mut().zip(windows.by_ref()) {
            *slot = mix(&[w[0], w[1], w[2]]);
            filled += 1;
        }
        if filled == 0 {
            break;
        }
        counts.add_eight(&block);
        if filled < 8 {
            break;
        }
    }
    counts.majority(hashes.len() - 2)
}

/// Blocks of eight hashes whose carries are counted into 8-bit lanes
/// before these are added up: a lane holds at most 255 carries.
const LANE_BLOCK: usize = 255;

/// How many hashes have each of the 64 bits set.
///
/// The hashes go through carry-save adders (Harley and Seal's popcount,
/// per bit position): `ones`, `twos` and `fours` hold each bit's count
/// modulo 8 as three bit planes, and only the carries of a block of eight
/// reach the per-bit counters, eight counters at once in the lanes of a
/// word. That is a few instructions per hash instead of eight shifts,
/// masks and adds for each.
struct BitCounts {
    ones: u64,
    twos: u64,
    fours: u64,
    /// `lanes[j]` counts bit `j` of every byte of the carries into the
    /// eights: its byte lane `k` counts bit `8k + j`.
    lanes: [u64; 8],
    /// Blocks added since the lanes were last emptied.
    blocks: usize,
    /// The per-bit counts emptied from the lanes, in eights.
    eights: [usize; 64],
}

impl BitCounts {
    fn new() -> Self {
        Self {
            ones: 0,
            twos: 0,
            fours: 0,
            lanes: [0; 8],
            blocks: 0,
            eights: [0; 64],
        }
    }

    /// Adds eight hashes.
    fn add_eight(&mut self, h: &[u64; 8]) {
        let (twos_a, ones) = csa(self.ones, h[0], h[1]);
        let (twos_b, ones) = csa(ones, h[2], h[3]);
        let (fours_a, twos) = csa(self.twos, twos_a, twos_b);
        let (twos_a, ones) = csa(ones, h[4], h[5]);
        let (twos_b, ones) = csa(ones, h[6], h[7]);
        let (fours_b, twos) = csa(twos, twos_a, twos_b);
        let (eights, fours) = csa(self.fours, fours_a, fours_b);
        (self.ones, self.twos, self.fours) = (ones, twos, fours);
        for (j, lane) in self.lanes.iter_mut().enumerate() {
            *lane += (eights >> j) & LOW_BITS;
        }
        self.blocks += 1;
        if self.blocks == LANE_BLOCK {
            self.empty_lanes();
        }
    }

    /// Moves the lanes' counts into `eights`.
    fn empty_lanes(&mut self) {
        for (j, lane) in self.lanes.iter_mut().enumerate() {
            for k in 0..8 {
                self.eights[8 * k + j] += ((*lane >> (8 * k)) & 0xff) as usize;
            }
            *lane = 0;
        }
        self.blocks = 0;
    }

    /// The bits set in more than half of the `total` hashes added.
    fn majority(mut self, total: usize) -> u64 {
        self.empty_lanes();
        let mut majority = 0;
        for (bit, eights) in self.eights.iter().enumerate() {
            let plane = |p: u64| ((p >> bit) & 1) as usize;
            let n = 8 * eights + 4 * plane(self.fours) + 2 * plane(self.twos) + plane(self.ones);
            if 2 * n > total {
                majority |= 1 << bit;
            }
        }
        majority
    }
}

/// A carry-save adder over the bits of three words: (the carries, the
/// sums), bit by bit.
fn csa(a: u64, b: u64, c: u64) -> (u64, u64) {
    let u = a ^ b;
    ((a & b) | (u & c), u ^ c)
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
        for t in [
            "“Hello, world” — he said . 3 ½ 🙂",
            "a\u{a0}b\u{2009}c\u{b}d\u{3000}e",
            "ÉTÉ-été l'été",
            "",
        ] {
            assert_eq!(of(&[t]).words, crate::text::word_count(t), "{t:?}");
        }
    }

    #[test]
    fn byte_classes_follow_char_predicates() {
        for b in 0..=255u8 {
            let c = char::from(b);
            let expected = if !b.is_ascii() {
                Class::NonAscii
            } else if b.is_ascii_alphanumeric() {
                Class::Keep
            } else if c.is_whitespace() {
                Class::Space
            } else {
                Class::Drop
            };
            assert!(CLASS[usize::from(b)] == expected, "{b:#x}");
        }
    }

    /// Stored hashes are compared across versions: these values must
    /// never change.
    #[test]
    fn hashes_are_stable_across_versions() {
        let p = of(&[
            "“Don’t”, said O'Brien — ÉTÉ 2024\u{a0}in Kyiv.",
            "Straße İstanbul x\u{b}y",
        ]);
        assert_eq!(p.words, 11);
        assert_eq!(p.content_hash, "xxh3-50d37b4a73f40c4ff92bf5de2c8788a0");
        assert_eq!(p.simhash, 0x444c_f28e_78c9_86e4);
    }

    #[test]
    fn long_words_and_paragraph_ends() {
        let long = "Antidisestablishmentarianism ANTIDISESTABLISHMENTARIANISM x7Y";
        let p = of(&[long]);
        assert_eq!(p.words, 3);
        assert_eq!(
            p.content_hash,
            of(&[
                "antidisestablishmentarianism",
                "antidisestablishmentarianism x7y"
            ])
            .content_hash
        );
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
    fn majority_counts_like_a_plain_loop() {
        let hashes: Vec<u64> = (0..5_000u64).map(|n| mix(&[n, n * 7, n * 13])).collect();
        for len in [0, 1, 7, 8, 9, 255, 1_000, 2_039, 2_040, 2_041, 5_000] {
            let hashes = &hashes[..len];
            let mut plain = 0;
            for bit in 0..64 {
                let ones = hashes.iter().filter(|&&h| (h >> bit) & 1 == 1).count();
                if 2 * ones > hashes.len() {
                    plain |= 1 << bit;
                }
            }
            let mut counts = BitCounts::new();
            for block in hashes.chunks(8) {
                let mut eight = [0; 8];
                eight[..block.len()].copy_from_slice(block);
                counts.add_eight(&eight);
            }
            assert_eq!(counts.majority(len), plain, "{len}");
        }
    }

    #[test]
    fn lanes_hash_is_the_word_hash() {
        for word in ["a", "x7", "the", "voters", "1234567"] {
            let mut lanes = [b'.' | TO_LOWER; 8];
            lanes[..word.len()].copy_from_slice(word.as_bytes());
            let lanes = u64::from_le_bytes(lanes);
            assert_eq!(lanes_hash(lanes, word.len()), word_hash(word.as_bytes()));
        }
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
