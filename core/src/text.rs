//! Text primitives shared by every extractor: paragraphs, sentences, words,
//! and the conversion from byte offsets (what Rust slices use) to code point
//! offsets (what the enriched event publishes).
//!
//! Extractors work on byte ranges into the article text, which is cheap and
//! safe to slice; only the final assembly converts to code points, once.

use std::ops::Range;

use crate::swar;
use crate::words::WordList;

/// Bytes that [`CharOffsets::new`] checks at once for being all ASCII,
/// the common case, and the step of its index.
const CHUNK: usize = 32;

/// Converts byte offsets of one string into code point offsets.
///
/// For ASCII text the two are equal and the conversion is free; otherwise
/// it looks up the multi-byte characters before the offset, starting from
/// the first one in the offset's chunk, so the cost is a few steps per
/// offset (news text has a few curly quotes and dashes per chunk at most)
/// with one O(n) pass to build.
#[derive(Debug, Clone)]
pub struct CharOffsets {
    /// For every multi-byte character: its byte offset and the number of
    /// extra bytes seen up to and including it.
    multibyte: Vec<(usize, usize)>,
    /// For every chunk of [`CHUNK`] bytes, and the end of the text: how
    /// many multi-byte characters start before it. Empty for ASCII text.
    chunk_firsts: Vec<usize>,
}

impl CharOffsets {
    pub fn new(text: &str) -> Self {
        let mut offsets = Self {
            multibyte: Vec::new(),
            chunk_firsts: Vec::new(),
        };
        let mut chunks = text.as_bytes().chunks_exact(CHUNK);
        for (k, chunk) in chunks.by_ref().enumerate() {
            offsets.add_chunk(k * CHUNK, chunk.try_into().expect("a whole chunk"));
        }
        let rest = chunks.remainder();
        let mut last = [0; CHUNK];
        last[..rest.len()].copy_from_slice(rest);
        offsets.add_chunk(text.len() - rest.len(), &last);
        offsets.index_chunks(text.len());
        offsets
    }

    /// Fills [`CharOffsets::chunk_firsts`] for a text of `len` bytes.
    fn index_chunks(&mut self, len: usize) {
        if self.multibyte.is_empty() {
            return;
        }
        let mut n = 0;
        self.chunk_firsts = (0..=len / CHUNK)
            .map(|k| {
                n += self.multibyte[n..]
                    .iter()
                    .take_while(|&&(pos, _)| pos < k * CHUNK)
                    .count();
                n
            })
            .collect();
    }

    /// Records the multi-byte characters that start in `chunk`, the bytes
    /// from `at` (zeros past the end of the text). Inlined, as most chunks
    /// are all ASCII: one test of their words together.
    #[inline(always)]
    fn add_chunk(&mut self, at: usize, chunk: &[u8; CHUNK]) {
        let words: [u64; CHUNK / 8] = std::array::from_fn(|w| {
            u64::from_le_bytes(chunk[w * 8..w * 8 + 8].try_into().expect("eight bytes"))
        });
        if words.iter().fold(0, |all, word| all | word) & swar::HIGH_BITS != 0 {
            self.add_multibyte(at, &words);
        }
    }

    /// Records the multi-byte characters that start in the words of a
    /// chunk from byte `at`.
    fn add_multibyte(&mut self, at: usize, words: &[u64; CHUNK / 8]) {
        if self.multibyte.is_empty() {
            // Text with one multi-byte character (a curly quote, a dash)
            // most often has a few dozen: room for them at once, rather
            // than a vector grown (and copied) four times.
            self.multibyte.reserve(64);
        }
        let mut extra = self.multibyte.last().map_or(0, |&(_, extra)| extra);
        for (w, &word) in words.iter().enumerate() {
            // A lead byte of a multi-byte character is 0xC0 or above (its
            // top two bits set), and its count of leading one bits is the
            // character's length.
            let mut leads = word & (word << 1) & swar::HIGH_BITS;
            while leads != 0 {
                let shift = leads.trailing_zeros() - 7;
                let lead = (word >> shift) as u8;
                extra += lead.leading_ones() as usize - 1;
                self.multibyte
                    .push((at + w * 8 + shift as usize / 8, extra));
                leads &= leads - 1;
            }
        }
    }

    /// The code point offset of byte offset `byte`, which must lie on a
    /// character boundary (every offset the extractors produce does).
    pub fn to_char(&self, byte: usize) -> usize {
        // Characters that start before `byte` contribute their extra bytes:
        // those before its chunk, and those in it before it.
        let chunk = (byte / CHUNK).min(self.chunk_firsts.len().saturating_sub(1));
        let Some(&first) = self.chunk_firsts.get(chunk) else {
            return byte; // ASCII text
        };
        let n = first
            + self.multibyte[first..]
                .iter()
                .take_while(|&&(pos, _)| pos < byte)
                .count();
        match n {
            0 => byte,
            _ => byte - self.multibyte[n - 1].1,
        }
    }
}

/// The byte ranges of the paragraphs: maximal runs of text between line
/// breaks, without surrounding white space. News text separates paragraphs
/// with a blank line or with a single line break; both count.
pub fn paragraphs(text: &str) -> Vec<Range<usize>> {
    // News paragraphs run to a few hundred bytes: room for most articles'
    // at once, rather than a vector grown (and copied) five times.
    let mut out = Vec::with_capacity(text.len() / 128 + 1);
    let mut line_start = 0;
    // memchr finds the line breaks many bytes at a time.
    let line_ends = memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1);
    for line_end in line_ends.chain([text.len()]) {
        let range = trim_range(text, line_start..line_end);
        if !range.is_empty() {
            out.push(range);
        }
        line_start = line_end;
    }
    out
}

/// Narrows `range` to exclude leading and trailing white space.
pub fn trim_range(text: &str, range: Range<usize>) -> Range<usize> {
    let slice = &text[range.clone()];
    let start = range.start + (slice.len() - slice.trim_start().len());
    let end = range.end - (slice.len() - slice.trim_end().len());
    start..end.max(start)
}

/// Counts words: runs of non-space characters holding a letter or digit.
pub fn word_count(text: &str) -> usize {
    count_words(text, usize::MAX)
}

/// True when `text` has more than `n` words (as [`word_count`] counts
/// them), reading no further than word `n + 1`.
pub fn has_more_words_than(text: &str, n: usize) -> bool {
    count_words(text, n) > n
}

/// The words of `text` (white space as `split_whitespace` has it), counted
/// up to `limit + 1` at most: one pass over the characters, no slicing.
fn count_words(text: &str, limit: usize) -> usize {
    let mut count = 0;
    let mut has_alphanumeric = false;
    for c in text.chars() {
        if c.is_whitespace() {
            if has_alphanumeric {
                count += 1;
                if count > limit {
                    return count;
                }
            }
            has_alphanumeric = false;
        } else if !has_alphanumeric && is_alphanumeric(c) {
            has_alphanumeric = true;
        }
    }
    count + usize::from(has_alphanumeric)
}

/// True for Headline Case text: at most 300 bytes, with at least three
/// words of five letters or more, all of them capitalized. Title-case
/// headlines capitalize every such word; prose has lowercase verbs and
/// nouns among them, however dense with names, and a long paragraph is
/// prose anyway.
pub fn is_headline_case(text: &str) -> bool {
    if text.len() > 300 {
        return false;
    }
    let mut long = 0usize;
    for word in text.split_whitespace() {
        let word = word.trim_start_matches(|c: char| !is_alphanumeric(c));
        if word.chars().take_while(|c| c.is_alphabetic()).count() < 5 {
            continue;
        }
        if !word.chars().next().is_some_and(char::is_uppercase) {
            return false;
        }
        long += 1;
    }
    long >= 3
}

/// The days of the week, capitalized as news text writes them.
pub const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// The months, capitalized as news text writes them.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Abbreviations after which a period does not end a sentence, in their
/// hash table.
const ABBREVIATIONS: WordList = WordList::new(ABBREVIATION_WORDS);

/// The words of [`ABBREVIATIONS`] (lowercase, without the final period;
/// sorted, as [`WordList`] wants them).
const ABBREVIATION_WORDS: &[&str] = &[
    "a.m", "adm", "apr", "ariz", "aug", "ave", "blvd", "calif", "capt", "cmdr", "co", "col",
    "colo", "conn", "corp", "d.c", "dec", "dr", "e.g", "etc", "feb", "fla", "ft", "ga", "gen",
    "gov", "hon", "i.e", "ill", "inc", "jan", "jr", "ky", "la", "lt", "ltd", "maj", "mar", "mass",
    "md", "mich", "minn", "mo", "mr", "mrs", "ms", "mt", "n.j", "n.y", "nev", "no", "nov", "oct",
    "okla", "ore", "p.m", "pa", "pres", "prof", "rep", "rev", "sen", "sep", "sept", "sgt", "sr",
    "st", "tenn", "tex", "u.k", "u.n", "u.s", "va", "vs", "wash", "wis",
];

/// Splits one paragraph (a byte range of `text`) into sentence byte ranges.
///
/// A sentence ends at `.`, `!` or `?` (with any closing quotes or brackets
/// after it) followed by white space and then an uppercase letter, a digit
/// or an opening quote, unless the word before the period is a known
/// abbreviation or a single initial (`John F. Kennedy`). A rule-based
/// splitter is the right tool here: news text is edited prose, and it is
/// linear in the input.
pub fn sentences(text: &str, para: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for_each_sentence(text, para, |range| out.push(trim_range(text, range)));
    out
}

/// The number of [`sentences`] of a paragraph, without collecting them.
pub fn sentence_count(text: &str, para: Range<usize>) -> usize {
    let mut count = 0;
    for_each_sentence(text, para, |_| count += 1);
    count
}

/// Where the sentence holding the character at byte `at` starts, by the
/// rules of [`sentences`] (`Sen. Laura Diaz` and `John F. Kennedy` do not
/// end one), its leading white space skipped. Looks back at most `window`
/// bytes, so that a caller asking for every quote of a paragraph without
/// line breaks stays linear: with no line break and no sentence start in
/// the window, there is no answer.
pub(crate) fn sentence_start(text: &str, at: usize, window: usize) -> Option<usize> {
    let from = ceil_char_boundary(text, at.saturating_sub(window));
    let line_start = text[from..at].rfind('\n').map(|i| from + i + 1);
    let para_start = line_start.unwrap_or(from);
    // A sentence break before `at` is decided by the first character
    // after its white space, at `at` at the latest.
    let limit = ceil_char_boundary(text, at + 1);
    let mut last = para_start..limit;
    for_each_sentence(text, para_start..limit, |range| last = range);
    let known = last.start > para_start || line_start.is_some() || from == 0;
    known.then(|| trim_range(text, last.start..limit).start.min(at))
}

/// Calls `emit` with the byte range of each sentence of `text[para]`, in
/// order (the rules are on [`sentences`]), white space around it not yet
/// trimmed: counting needs no trimming. Blank ranges are no sentence.
fn for_each_sentence(text: &str, para: Range<usize>, mut emit: impl FnMut(Range<usize>)) {
    let bytes = text.as_bytes();
    let mut emit_unless_blank = |range: Range<usize>| {
        if !text[range.clone()].trim_start().is_empty() {
            emit(range);
        }
    };
    let mut start = para.start;
    let mut from = para.start;
    // memchr jumps from one candidate mark to the next.
    while let Some(k) = memchr::memchr3(b'.', b'!', b'?', &bytes[from..para.end]) {
        let i = from + k;
        let end = skip_closers(text, i + 1, para.end);
        if end < para.end && is_sentence_break(text, start, i, end, para.end) {
            emit_unless_blank(start..end);
            start = end;
            from = end;
        } else {
            from = i + 1;
        }
    }
    emit_unless_blank(start..para.end);
}

/// Skips closing quotation marks and brackets after a sentence-final mark.
fn skip_closers(text: &str, mut at: usize, limit: usize) -> usize {
    while at < limit {
        let c = text[at..].chars().next().unwrap_or(' ');
        if matches!(c, '"' | '\'' | '”' | '’' | ')' | ']' | '»') {
            at += c.len_utf8();
        } else {
            break;
        }
    }
    at
}

fn is_sentence_break(
    text: &str,
    sent_start: usize,
    mark: usize,
    after: usize,
    limit: usize,
) -> bool {
    let rest = &text[after..limit];
    if !rest.starts_with(char::is_whitespace) {
        return false; // no white space after the mark: `U.S.A`, `3.5`
    }
    let Some(next) = rest.trim_start().chars().next() else {
        return false;
    };
    if !(next.is_uppercase()
        || next.is_ascii_digit()
        || matches!(next, '"' | '“' | '‘' | '(' | '«'))
    {
        return false;
    }
    if text.as_bytes()[mark] != b'.' {
        return true;
    }
    let word = word_before(&text[sent_start..mark]);
    let is_initial = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
    !(is_initial || is_abbreviation(word))
}

/// The word that ends `s`, after its last white space, `(`, `“` or `"`:
/// found from the bytes while they are ASCII, the characters decoded only
/// when the word has others.
fn word_before(s: &str) -> &str {
    let is_stop = |c: char| c.is_whitespace() || c == '(' || c == '“' || c == '"';
    let bytes = s.as_bytes();
    let stop = bytes
        .iter()
        .rposition(|&b| !b.is_ascii() || is_stop(char::from(b)));
    match stop {
        None => s,
        Some(k) if bytes[k].is_ascii() => &s[k + 1..],
        Some(_) => s.rsplit(is_stop).next().unwrap_or(""),
    }
}

/// True when `word`, ignoring ASCII case, is one of [`ABBREVIATIONS`]:
/// one probe of its hash table for most words.
fn is_abbreviation(word: &str) -> bool {
    ABBREVIATIONS.contains(word)
}

/// The last character boundary of `s` at or before byte `i` (`s.len()`
/// when `i` is past the end): where a window cut at a byte count may end.
/// (`str::floor_char_boundary` is not stable.)
pub(crate) fn floor_char_boundary(s: &str, i: usize) -> usize {
    (0..=i.min(s.len()))
        .rev()
        .find(|&b| s.is_char_boundary(b))
        .unwrap_or(0)
}

/// The first character boundary of `s` at or after byte `i` (at most
/// `s.len()`): where a window cut at a byte count may start.
pub(crate) fn ceil_char_boundary(s: &str, i: usize) -> usize {
    (i.min(s.len())..=s.len())
        .find(|&b| s.is_char_boundary(b))
        .unwrap_or(s.len())
}

/// `char::is_alphanumeric` with fast paths for ASCII, which is most of
/// news text, and for the General Punctuation block (curly quotes,
/// dashes, ellipses: most of the rest), which holds no letters or digits.
pub(crate) fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if ('\u{2000}'..='\u{206F}').contains(&c) {
        false
    } else {
        c.is_alphanumeric()
    }
}

/// A word or a punctuation character of a paragraph, as a byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub range: Range<usize>,
    /// True for words (letters and digits, with inner `'`, `’`, `-` or
    /// `.` as in `don’t`, `al-Assad`, `U.S`), false for one punctuation
    /// character.
    pub is_word: bool,
}

/// Splits a byte range of `text` into words and punctuation characters,
/// skipping white space. Linear in the range; quote marks, commas and
/// periods each become their own token so that extractors can match
/// patterns such as `,” he said` token by token.
///
/// News text is nearly all ASCII, so bytes are classified by one table
/// lookup and only non-ASCII bytes are decoded into characters.
pub fn tokens(text: &str, range: Range<usize>) -> Vec<Token> {
    let mut out = Vec::with_capacity(range.len() / 4);
    push_tokens(text, range, &mut out, &mut Vec::new());
    out
}

/// [`tokens`], appended to `out`, and where the marks among them are in
/// `out`, appended to `marks`.
fn push_tokens(text: &str, range: Range<usize>, out: &mut Vec<Token>, marks: &mut Vec<usize>) {
    let slice = &text[range.clone()];
    let bytes = slice.as_bytes();
    let mut t = Tokenizer {
        base: range.start,
        word_start: None,
        segment: 0,
    };
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let class = BYTE_CLASS[usize::from(b)];
        if class == ALNUM {
            let end = if t.word_start.is_none() {
                // Whole words each with a space after them, most of news
                // text: what `letters` and then `space` would do.
                let (at, end) = push_spaced_words(bytes, i, range.start, out);
                if at != i {
                    t.segment = 0;
                    i = at;
                }
                if end == at {
                    continue; // no letter at `at`: classify it
                }
                end
            } else {
                i + ascii_alnum_run(&bytes[i..])
            };
            t.letters(i, end - i);
            i = end;
        } else if class == SPACE {
            t.space(out, i);
            i += 1;
        } else if class == PUNCT {
            if matches!(b, b'.' | b'\'' | b'-') {
                t.mark(out, marks, slice, i, char::from(b), 1);
            } else {
                // No other ASCII mark joins words: no need to look around.
                t.punctuation(out, marks, i, 1);
            }
            i += 1;
        } else {
            let c = slice[i..].chars().next().unwrap_or(' ');
            let len = c.len_utf8();
            if is_alphanumeric(c) {
                t.letters(i, 1);
            } else if c.is_whitespace() {
                t.space(out, i);
            } else {
                t.mark(out, marks, slice, i, c, len);
            }
            i += len;
        }
    }
    t.end_word(out, bytes.len());
}

/// Pushes the words from byte `i` of `bytes` (at `base` in the text) on
/// that are runs of ASCII letters and digits each followed by one space;
/// returns where they stop and where the run of ASCII letters and digits
/// there ends. A loop of its own, not a branch of [`push_tokens`]'s: most
/// words go through it, and in a small function its state stays in
/// registers (inlined, it cost more instructions than it saved).
#[inline(never)]
fn push_spaced_words(
    bytes: &[u8],
    mut i: usize,
    base: usize,
    out: &mut Vec<Token>,
) -> (usize, usize) {
    loop {
        // Most words are shorter than eight bytes: one load finds their
        // end, without the set-up of a scan.
        let end = match bytes.get(i..).and_then(<[u8]>::first_chunk::<8>) {
            Some(chunk) => {
                match !swar::ascii_alnum_bits(u64::from_le_bytes(*chunk)) & swar::HIGH_BITS {
                    0 => i + 8 + ascii_alnum_run(&bytes[i + 8..]),
                    stops => i + stops.trailing_zeros() as usize / 8,
                }
            }
            None => i + ascii_alnum_run(&bytes[i..]),
        };
        if end == i || bytes.get(end) != Some(&b' ') {
            return (i, end);
        }
        out.push(Token {
            range: base + i..base + end,
            is_word: true,
        });
        i = end + 1;
    }
}

/// The tokens of a list of paragraphs, kept in one buffer: one
/// allocation for the article instead of one per paragraph, and the
/// tokens of one paragraph right after those of the one before.
#[derive(Debug)]
pub struct ParagraphTokens {
    tokens: Vec<Token>,
    /// Where each paragraph's tokens start in `tokens`, then where the
    /// last paragraph's end: one entry more than there are paragraphs.
    starts: Vec<usize>,
    /// Where the marks (the tokens that are no word) are in `tokens`.
    marks: Vec<usize>,
}

impl ParagraphTokens {
    /// Tokenizes each of `paragraphs`, byte ranges of `text`.
    pub fn new(text: &str, paragraphs: &[Range<usize>]) -> Self {
        let bytes: usize = paragraphs.iter().map(Range::len).sum();
        let mut tokens = Vec::with_capacity(bytes / 4);
        let mut starts = Vec::with_capacity(paragraphs.len() + 1);
        // News prose has a mark (comma, period, quotation mark) every
        // twenty bytes or so.
        let mut marks = Vec::with_capacity(bytes / 16);
        for p in paragraphs {
            starts.push(tokens.len());
            push_tokens(text, p.clone(), &mut tokens, &mut marks);
        }
        starts.push(tokens.len());
        Self {
            tokens,
            starts,
            marks,
        }
    }

    /// How many paragraphs.
    pub fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    /// Whether there are no paragraphs.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Where paragraph `i`'s tokens lie among [`ParagraphTokens::all`].
    pub fn range(&self, i: usize) -> Option<Range<usize>> {
        Some(*self.starts.get(i)?..*self.starts.get(i + 1)?)
    }

    /// The tokens of every paragraph, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &[Token]> + '_ {
        self.starts.windows(2).map(|w| &self.tokens[w[0]..w[1]])
    }

    /// All the tokens, paragraph after paragraph.
    pub fn all(&self) -> &[Token] {
        &self.tokens
    }

    /// Where the marks (the tokens that are no word) are among
    /// [`ParagraphTokens::all`], in order: those who look at marks only
    /// need not read every token again.
    pub fn marks(&self) -> &[usize] {
        &self.marks
    }
}

/// What one ASCII byte is to the tokenizer; every byte from 0x80 up is
/// [`NON_ASCII`], to be decoded.
const ALNUM: u8 = 0;
const SPACE: u8 = 1;
const PUNCT: u8 = 2;
const NON_ASCII: u8 = 3;

/// The class of every byte value: white space as `char::is_whitespace`
/// has it for ASCII, letters and digits, and the rest punctuation.
const BYTE_CLASS: [u8; 256] = {
    let mut table = [NON_ASCII; 256];
    let mut b = 0;
    while b < 128 {
        let byte = b as u8;
        table[b] = if byte.is_ascii_alphanumeric() {
            ALNUM
        } else if matches!(byte, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ') {
            SPACE
        } else {
            PUNCT
        };
        b += 1;
    }
    table
};

/// The length of the run of ASCII letters and digits that opens `bytes`:
/// eight bytes at a time while eight remain (most words end in the first
/// eight), then byte by byte.
fn ascii_alnum_run(bytes: &[u8]) -> usize {
    let mut n = 0;
    while let Some(chunk) = bytes
        .get(n..n + 8)
        .and_then(|c| <[u8; 8]>::try_from(c).ok())
    {
        let stops = !swar::ascii_alnum_bits(u64::from_le_bytes(chunk)) & swar::HIGH_BITS;
        if stops != 0 {
            return n + stops.trailing_zeros() as usize / 8;
        }
        n += 8;
    }
    let rest = &bytes[n..];
    n + rest
        .iter()
        .position(|&b| BYTE_CLASS[usize::from(b)] != ALNUM)
        .unwrap_or(rest.len())
}

/// The tokenizer's state between characters, in byte offsets of the slice
/// (`base` is the slice's offset in the text). The tokens go to a vector
/// of the caller's, not one in here: a vector may reallocate, so its
/// fields live in memory, and the state then stays in registers.
struct Tokenizer {
    base: usize,
    word_start: Option<usize>,
    /// Letters since the last joiner: a period joins only initials (`U.S`)
    /// and decimals (`3.5`), so that `said.Trump` stays two words.
    segment: usize,
}

impl Tokenizer {
    /// `count` letters or digits starting at byte `at`.
    fn letters(&mut self, at: usize, count: usize) {
        self.word_start.get_or_insert(at);
        self.segment += count;
    }

    /// White space at byte `at`: it ends the word in progress.
    fn space(&mut self, out: &mut Vec<Token>, at: usize) {
        self.end_word(out, at);
        self.segment = 0;
    }

    /// Ends the word in progress, if any, at byte `at`.
    fn end_word(&mut self, out: &mut Vec<Token>, at: usize) {
        if let Some(s) = self.word_start.take() {
            self.push_word(out, s, at);
        }
    }

    /// Emits the word from byte `start` to byte `end`.
    fn push_word(&self, out: &mut Vec<Token>, start: usize, end: usize) {
        out.push(Token {
            range: self.base + start..self.base + end,
            is_word: true,
        });
    }

    /// A punctuation character of `len` bytes at byte `at` that does not
    /// join words: it ends the word in progress and is a token of its own.
    fn punctuation(&mut self, out: &mut Vec<Token>, marks: &mut Vec<usize>, at: usize, len: usize) {
        self.segment = 0;
        self.end_word(out, at);
        marks.push(out.len());
        out.push(Token {
            range: self.base + at..self.base + at + len,
            is_word: false,
        });
    }

    /// A punctuation character `c` of `len` bytes at byte `at` of `slice`:
    /// it joins the word around it (`don’t`, `al-Assad`, `U.S`, `3.5`) or
    /// ends the word and becomes a token of its own. Inlined into
    /// [`tokens`], where its two calls are the only ones: a call would
    /// take the state's address and keep it in memory.
    #[inline(always)]
    fn mark(
        &mut self,
        out: &mut Vec<Token>,
        marks: &mut Vec<usize>,
        slice: &str,
        at: usize,
        c: char,
        len: usize,
    ) {
        let bytes = slice.as_bytes();
        // Inside a word the character before `at` is a letter (a joiner is
        // always followed by one), so a digit there is the word's last.
        let joins = self.word_start.is_some()
            && match c {
                '.' => {
                    self.segment == 1
                        || (bytes[at - 1].is_ascii_digit()
                            && bytes.get(at + 1).is_some_and(u8::is_ascii_digit))
                }
                '\'' | '’' | '-' | '‑' => true,
                _ => false,
            }
            && starts_alphanumeric(&slice[at + len..]);
        if joins {
            self.segment = 0;
        } else {
            self.punctuation(out, marks, at, len);
        }
    }
}

/// Whether `s` opens with a letter or digit.
fn starts_alphanumeric(s: &str) -> bool {
    match s.as_bytes().first() {
        None => false,
        Some(&b) if b.is_ascii() => b.is_ascii_alphanumeric(),
        Some(_) => s.chars().next().is_some_and(is_alphanumeric),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_offsets_ascii_and_multibyte() {
        let t = "a“b”c";
        let o = CharOffsets::new(t);
        let idx: Vec<usize> = t.char_indices().map(|(i, _)| o.to_char(i)).collect();
        assert_eq!(idx, vec![0, 1, 2, 3, 4]);
        assert_eq!(o.to_char(t.len()), 5);
        let ascii = CharOffsets::new("plain");
        assert_eq!(ascii.to_char(3), 3);
    }

    #[test]
    fn char_offsets_across_chunks() {
        let t = "plain ascii text, then “quotes” and 🙂 at chunk edges: ".repeat(9);
        let o = CharOffsets::new(&t);
        for (n, (i, _)) in t.char_indices().enumerate() {
            assert_eq!(o.to_char(i), n);
        }
        assert_eq!(o.to_char(t.len()), t.chars().count());
    }

    #[test]
    fn char_offsets_at_every_length_around_chunk_ends() {
        for len in 0..3 * CHUNK {
            for at in 0..len.saturating_sub(2) {
                let t = format!("{}’{}", "a".repeat(at), "b".repeat(len - at - 3));
                let o = CharOffsets::new(&t);
                for (n, (i, _)) in t.char_indices().enumerate() {
                    assert_eq!(o.to_char(i), n, "{t:?} {i}");
                }
                assert_eq!(o.to_char(t.len()), t.chars().count(), "{t:?}");
            }
        }
    }

    #[test]
    fn paragraphs_split_on_line_breaks() {
        let t = " One.\n\nTwo two.\nThree\n\n\n";
        let p: Vec<&str> = paragraphs(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(p, vec!["One.", "Two two.", "Three"]);
    }

    #[test]
    fn word_count_splits_like_split_whitespace() {
        let reference = |t: &str| {
            t.split_whitespace()
                .filter(|w| w.chars().any(char::is_alphanumeric))
                .count()
        };
        for t in [
            "",
            "  ",
            "one",
            " one  two\tthree\n",
            "a\u{a0}b\u{2009}c\u{b}d\u{3000}e\u{85}f\u{1c}g",
            "— “ ” 3 ½ 🙂 ÉTÉ l'été -- x.",
            "end with punctuation .",
        ] {
            assert_eq!(word_count(t), reference(t), "{t:?}");
            for n in 0..8 {
                assert_eq!(has_more_words_than(t, n), reference(t) > n, "{t:?} {n}");
            }
        }
    }

    #[test]
    fn words_skip_punctuation() {
        assert_eq!(word_count("“Hello, world” — he said ."), 4);
        assert!(has_more_words_than("“Hello, world” — he said .", 3));
        assert!(!has_more_words_than("“Hello, world” — he said .", 4));
    }

    #[test]
    fn is_alphanumeric_agrees_with_the_standard_library_on_every_char() {
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn char_boundaries_round_down_and_up_inside_a_character() {
        let s = "aé€b"; // bytes: a=0, é=1..3, €=3..6, b=6
        assert_eq!(floor_char_boundary(s, 2), 1);
        assert_eq!(ceil_char_boundary(s, 2), 3);
        assert_eq!(floor_char_boundary(s, 4), 3);
        assert_eq!(ceil_char_boundary(s, 4), 6);
        assert_eq!(floor_char_boundary(s, 3), 3);
        assert_eq!(ceil_char_boundary(s, 3), 3);
        assert_eq!(floor_char_boundary(s, 99), s.len());
        assert_eq!(ceil_char_boundary(s, 99), s.len());
    }

    #[test]
    fn word_before_splits_like_rsplit() {
        fn rsplit(s: &str) -> &str {
            s.rsplit(|c: char| c.is_whitespace() || c == '(' || c == '“' || c == '"')
                .next()
                .unwrap_or("")
        }
        for s in [
            "",
            "Sen",
            "said Sen",
            "(Sen",
            "“Sen",
            "\"U.S",
            "é Mr",
            "x\u{a0}Dr",
            "Dr\u{b}J",
            "café",
        ] {
            assert_eq!(word_before(s), rsplit(s), "{s:?}");
        }
    }

    #[test]
    fn abbreviations_are_found_in_any_case() {
        assert!(ABBREVIATION_WORDS
            .iter()
            .all(|a| is_abbreviation(a) && is_abbreviation(&a.to_uppercase())));
        assert!(!is_abbreviation("Senate") && !is_abbreviation("") && !is_abbreviation("Só"));
    }

    #[test]
    fn headline_case() {
        assert!(is_headline_case("Republicans Finally Confirmed A Judge"));
        assert!(is_headline_case("“Bad Angels Of Our Nature,” Says Senator"));
        assert!(!is_headline_case(
            "Ukraine is already increasing military production"
        ));
        assert!(!is_headline_case("Kyiv Says No"));
        assert!(!is_headline_case(
            "The Defense Ministry and the Foreign Ministry disagreed."
        ));
        assert!(!is_headline_case(""));
    }

    #[test]
    fn sentences_respect_abbreviations_initials_and_quotes() {
        let t = "Sen. John F. Kennedy spoke in Washington, D.C. Friday. “We won.” He left! Then 3.5 percent rose.";
        let s: Vec<&str> = sentences(t, 0..t.len())
            .into_iter()
            .map(|r| &t[r])
            .collect();
        assert_eq!(
            s,
            vec![
                "Sen. John F. Kennedy spoke in Washington, D.C. Friday.",
                "“We won.”",
                "He left!",
                "Then 3.5 percent rose."
            ]
        );
        assert_eq!(sentence_count(t, 0..t.len()), 4);
        assert_eq!(sentence_count(" ", 0..1), 0);
    }

    #[test]
    fn sentence_start_skips_abbreviations_and_stops_at_the_window() {
        let t = "Intro.\nIt rained. Sen. Laura Diaz spoke. “We won,” said Ann Lee.";
        let at = |w: &str| t.find(w).unwrap();
        assert_eq!(sentence_start(t, at("Laura"), 100), Some(at("Sen.")));
        assert_eq!(sentence_start(t, at("rained"), 100), Some(at("It")));
        assert_eq!(sentence_start(t, at("Ann"), 100), Some(at("“We")));
        assert_eq!(sentence_start(t, at("Intro"), 100), Some(0));
        // The window reaches back past `Sen.`'s period, not to a start.
        assert_eq!(sentence_start(t, at("Diaz"), 5), None);
        assert_eq!(sentence_start(t, at("Ann"), 25), Some(at("“We")));
        assert_eq!(sentence_start(t, at("Ann"), 19), None);
        // Multi-byte characters at the window's edge.
        let m = "Ça marche. Élodie Roy est là.";
        assert_eq!(
            sentence_start(m, m.find("Roy").unwrap(), 19),
            Some(m.find("Élodie").unwrap())
        );
    }

    #[test]
    fn ascii_alnum_run_agrees_with_a_byte_loop() {
        let expected = |bytes: &[u8]| {
            bytes
                .iter()
                .position(|b| !b.is_ascii_alphanumeric())
                .unwrap_or(bytes.len())
        };
        for len in [7, 8, 9, 16, 17] {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut bytes = vec![b'q'; len];
                    bytes[at] = b;
                    assert_eq!(ascii_alnum_run(&bytes), expected(&bytes), "{bytes:?}");
                }
            }
        }
    }

    #[test]
    fn paragraph_tokens_are_each_paragraphs_tokens() {
        let t = "One, two.\n\nThree “four”\n\n\n\nfive";
        let paragraphs = paragraphs(t);
        let all = ParagraphTokens::new(t, &paragraphs);
        assert_eq!(all.len(), 3);
        for (i, p) in paragraphs.iter().enumerate() {
            let range = all.range(i).expect("a paragraph's range");
            assert_eq!(all.all()[range], tokens(t, p.clone())[..], "{i}");
        }
        assert_eq!(all.range(3), None);
        let joined: Vec<Token> = all.iter().flatten().cloned().collect();
        assert_eq!(joined, all.all());
        let marks: Vec<usize> = (0..joined.len()).filter(|&k| !joined[k].is_word).collect();
        assert_eq!(all.marks(), marks);
        assert!(ParagraphTokens::new(t, &[]).is_empty());
    }

    #[test]
    fn tokens_keep_inner_joiners() {
        let t = "“Ukraine’s U.S. al-Assad,” he said.Then 3.5";
        let w: Vec<&str> = tokens(t, 0..t.len())
            .into_iter()
            .map(|k| &t[k.range])
            .collect();
        assert_eq!(
            w,
            vec![
                "“",
                "Ukraine’s",
                "U.S",
                ".",
                "al-Assad",
                ",",
                "”",
                "he",
                "said",
                ".",
                "Then",
                "3.5"
            ]
        );
    }
}
