//! Gazetteers: the places and organizations the core knows by name.
//!
//! The lists ship as tab-separated data files under `core/data/`, written
//! from well-known public lists (ISO 3166 countries, US states, national
//! capitals and large cities, international bodies, news agencies, US
//! institutions). They are compiled into the binary with `include_str!`, so
//! the worker needs no files at run time, and parsed once into one
//! trie over every name and alias (see [`WordMatcher`]).
//!
//! Matching is case-sensitive (`Turkey` the country, not `turkey` the bird;
//! `US` the country, not `us`) and on word boundaries (`Iran` does not match
//! inside `Iranian`). When names overlap, the longest wins (`New York
//! Times` over `New York`). A name listed twice keeps its first definition,
//! in the load order cities → US states → countries → regions →
//! organizations: `Washington` is the city, `Georgia` the US state.
//!
//! Demonyms (`Ukrainian`) are in the trie too, as their own class:
//! they are *not* place mentions (a `Ukrainian howitzer` does not name a
//! location, and counting it would inflate `Ukraine` in every article about
//! the war), but knowing them keeps `Ukrainian President` from looking like
//! an unknown capitalized name, and [`demonym_country`] maps them to their
//! country for roles.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use crate::swar::{ascii_range_bits, word_at};
use crate::text::is_alphanumeric;
use crate::trie::Trie;

/// What a gazetteer name denotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Place,
    Organization,
    /// A demonym: the adjective of a country, not a mention of it.
    Demonym,
}

/// One known entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// The canonical name, used in the output for every alias.
    pub name: &'static str,
    pub class: Class,
    /// `country`, `state`, `city`, `region` for places; the kind column of
    /// `organizations.tsv` for organizations; `country` for demonyms.
    pub kind: &'static str,
}

/// A gazetteer name found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub entry: &'static Entry,
}

impl Hit {
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

const CITIES: &str = include_str!("../data/cities.tsv");
const US_STATES: &str = include_str!("../data/us-states.tsv");
const COUNTRIES: &str = include_str!("../data/countries.tsv");
const REGIONS: &str = include_str!("../data/regions.tsv");
const ORGANIZATIONS: &str = include_str!("../data/organizations.tsv");

struct Gazetteer {
    words: WordMatcher,
    /// For every trie pattern, the index of its entry.
    pattern_entry: Vec<usize>,
    entries: Vec<Entry>,
    /// Every name and alias (not demonyms) → entry index.
    by_name: HashMap<&'static str, usize>,
    /// Demonym → country name.
    demonyms: HashMap<&'static str, &'static str>,
}

static GAZETTEER: LazyLock<Gazetteer> = LazyLock::new(Gazetteer::build);

/// The data rows of a TSV file: not blank, not a `#` comment, split on tabs.
fn rows(data: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    data.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').map(str::trim).collect())
}

/// The `|`-separated names of one column, possibly absent or empty.
fn names(row: &[&'static str], column: usize) -> Vec<&'static str> {
    row.get(column)
        .map(|c| {
            c.split('|')
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

#[derive(Default)]
struct Builder {
    entries: Vec<Entry>,
    patterns: Vec<&'static str>,
    pattern_entry: Vec<usize>,
    by_name: HashMap<&'static str, usize>,
    demonyms: HashMap<&'static str, &'static str>,
}

impl Builder {
    /// Adds an entry with its aliases; names already known keep their
    /// first definition.
    fn add(&mut self, entry: Entry, aliases: &[&'static str]) {
        if entry.name.is_empty() || self.by_name.contains_key(entry.name) {
            return;
        }
        let index = self.entries.len();
        self.entries.push(entry);
        for name in std::iter::once(&entry.name).chain(aliases) {
            if self.by_name.contains_key(name) {
                continue;
            }
            self.by_name.insert(name, index);
            self.patterns.push(name);
            self.pattern_entry.push(index);
        }
    }

    fn add_demonyms(&mut self, country: &'static str, demonyms: &[&'static str]) {
        for demonym in demonyms {
            if self.demonyms.contains_key(demonym) || self.by_name.contains_key(demonym) {
                continue;
            }
            self.demonyms.insert(demonym, country);
            let index = self.entries.len();
            self.entries.push(Entry {
                name: country,
                class: Class::Demonym,
                kind: "country",
            });
            self.patterns.push(demonym);
            self.pattern_entry.push(index);
        }
    }

    fn places(&mut self, data: &'static str, kind: &'static str, alias_column: usize) {
        for row in rows(data) {
            let entry = Entry {
                name: row[0],
                class: Class::Place,
                kind,
            };
            self.add(entry, &names(&row, alias_column));
        }
    }
}

impl Gazetteer {
    fn build() -> Self {
        let mut b = Builder::default();
        b.places(CITIES, "city", 2);
        b.places(US_STATES, "state", 1);
        b.places(COUNTRIES, "country", 1);
        for row in rows(COUNTRIES) {
            b.add_demonyms(row[0], &names(&row, 2));
        }
        b.places(REGIONS, "region", 1);
        for row in rows(ORGANIZATIONS) {
            let entry = Entry {
                name: row[0],
                class: Class::Organization,
                kind: row.get(1).copied().unwrap_or(""),
            };
            b.add(entry, &names(&row, 2));
        }
        Self {
            words: WordMatcher::new(&b.patterns),
            pattern_entry: b.pattern_entry,
            entries: b.entries,
            by_name: b.by_name,
            demonyms: b.demonyms,
        }
    }
}

/// Every gazetteer name in `text[range]`, longest first, on word
/// boundaries, in text order. Linear in the length of the range.
pub fn find(text: &str, range: Range<usize>) -> Vec<Hit> {
    let capitals: Vec<usize> = text
        .get(range.clone())
        .map_or(Vec::new(), |s| capitals(s).collect());
    let mut hits = Vec::new();
    find_at_capitals(text, range, &capitals, &mut hits);
    hits
}

/// [`find`], given the [`capitals`] of `text[range]` (a caller that runs
/// other matchers over the same text scans it for capitals once), into
/// `hits`, which it clears first: a caller going through paragraphs reuses
/// one buffer instead of allocating one for each paragraph's hits.
pub(crate) fn find_at_capitals(
    text: &str,
    range: Range<usize>,
    capitals: &[usize],
    hits: &mut Vec<Hit>,
) {
    hits.clear();
    let g = &*GAZETTEER;
    let Some(slice) = text.get(range.clone()) else {
        return;
    };
    hits.extend(g.words.find_iter(slice, capitals).map(|(pattern, m)| Hit {
        start: range.start + m.start,
        end: range.start + m.end,
        entry: &g.entries[g.pattern_entry[pattern]],
    }));
}

/// The offsets of the ASCII capitals of `s`, in order: where a
/// [`WordMatcher`] looks for matches in `s`.
pub(crate) fn capitals(s: &str) -> impl Iterator<Item = usize> + '_ {
    Capitals::new(s.as_bytes())
}

/// Finds whole words (or runs of words) from a list, the longest at each
/// word start.
///
/// Feeding every byte of a text to an automaton is slow, and names are
/// rare in prose. Every pattern holds an ASCII capital in its first bytes
/// (its anchor: `K` in `Kyiv`, `Q` in `al-Qaeda`), so the caller finds the
/// capitals of the text eight bytes at a time ([`capitals`]), which skips
/// lowercase prose at under two instructions per byte, and it tries a match
/// only at the starts that put some pattern's anchor on a capital: a walk
/// down a [`Trie`] of the patterns, whose first two steps read tables and
/// turn most of them away. Patterns need at least two bytes.
pub(crate) struct WordMatcher {
    trie: Trie,
    /// The distances from a pattern's start to its anchor, each once, in
    /// decreasing order (so the starts they give for one capital increase).
    anchor_offsets: Vec<usize>,
}

impl WordMatcher {
    /// # Panics
    ///
    /// On a pattern without an ASCII capital or shorter than two bytes:
    /// the lists are compiled in, so a test catches it.
    pub(crate) fn new<P: AsRef<str>>(patterns: &[P]) -> Self {
        let mut anchor_offsets: Vec<usize> = patterns
            .iter()
            .map(|p| {
                let p = p.as_ref();
                assert!(p.len() >= 2, "pattern shorter than two bytes: {p:?}");
                p.bytes()
                    .position(|b| b.is_ascii_uppercase())
                    .unwrap_or_else(|| panic!("pattern without an ASCII capital: {p:?}"))
            })
            .collect();
        anchor_offsets.sort_unstable_by(|a, b| b.cmp(a));
        anchor_offsets.dedup();
        Self {
            trie: Trie::new(patterns),
            anchor_offsets,
        }
    }

    /// (pattern index, byte range) of every match in `s` that starts and
    /// ends on a word boundary, in text order, without overlaps, given the
    /// [`capitals`] of `s`.
    ///
    /// Starts are tried in increasing order, as a byte-by-byte scan would.
    /// A start before `next` (one already tried, plus one) is skipped: it
    /// lies inside the last match, or an earlier capital lies between it
    /// and the capital that gave it. Then no pattern anchored on the later
    /// capital starts there (the bytes before an anchor are not capitals),
    /// and one anchored on the earlier capital was tried from it.
    pub(crate) fn find_iter<'a>(
        &'a self,
        s: &'a str,
        capitals: &'a [usize],
    ) -> impl Iterator<Item = (usize, Range<usize>)> + 'a {
        let mut capitals = capitals.iter().copied();
        let mut next = 0;
        std::iter::from_fn(move || {
            for capital in capitals.by_ref() {
                for &offset in &self.anchor_offsets {
                    let Some(at) = capital.checked_sub(offset).filter(|&at| at >= next) else {
                        continue;
                    };
                    next = at + 1;
                    if let Some((pattern, end)) = self.match_at(s, at) {
                        // The match holds its anchor, `capital`: the other
                        // starts it gives are inside the match.
                        next = end;
                        return Some((pattern, at..end));
                    }
                }
            }
            None
        })
    }

    /// The longest pattern at `at`, if it stands on word boundaries there:
    /// a longest pattern glued to a letter (`New York` in `New Yorker`) is
    /// no match, even if a shorter one would fit. Inlined into its one
    /// caller, the scan's loop, which calls it for most capitals.
    #[inline(always)]
    fn match_at(&self, s: &str, at: usize) -> Option<(usize, usize)> {
        let (pattern, len) = self.trie.longest_prefix(&s.as_bytes()[at..])?;
        let end = at + len;
        // A pattern starts with a whole character, so `at` is a character
        // boundary.
        (starts_word(s, at) && !ends_glued(s, end)).then_some((pattern, end))
    }

    /// True when `s`, whose [`capitals`] are given, holds at least one
    /// match.
    pub(crate) fn is_match(&self, s: &str, capitals: &[usize]) -> bool {
        self.find_iter(s, capitals).next().is_some()
    }
}

/// The positions of the ASCII capitals of a text, in order, found eight
/// bytes at a time with word arithmetic (the standard library has no
/// portable vector search for a byte range).
struct Capitals<'a> {
    bytes: &'a [u8],
    /// Where the next block starts.
    next_block: usize,
    /// The capitals of the last block read not yet returned: the top bit of
    /// each of their bytes.
    mask: u64,
}

impl<'a> Capitals<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            next_block: 0,
            mask: 0,
        }
    }
}

impl Iterator for Capitals<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        if self.mask == 0 {
            let (block, mask) = block_with_capitals(self.bytes, self.next_block)?;
            self.next_block = block + 8;
            self.mask = mask;
        }
        let byte = self.mask.trailing_zeros() as usize / 8;
        self.mask &= self.mask - 1;
        Some(self.next_block - 8 + byte)
    }
}

/// The first block of eight bytes from `at` on that holds an ASCII
/// capital (the last block padded with zeros): its start and its
/// capitals. Most blocks of prose hold none, so this loop is the scan's
/// cost; it keeps its state in registers, not in the iterator.
fn block_with_capitals(bytes: &[u8], at: usize) -> Option<(usize, u64)> {
    let capitals = |word| ascii_range_bits(word, b'A'..=b'Z');
    let rest = bytes.get(at..)?;
    let mut blocks = rest.chunks_exact(8);
    for (k, block) in blocks.by_ref().enumerate() {
        let mask = capitals(u64::from_le_bytes(block.try_into().expect("eight bytes")));
        if mask != 0 {
            return Some((at + 8 * k, mask));
        }
    }
    let tail = bytes.len() - blocks.remainder().len();
    let mask = capitals(word_at(bytes, tail)?);
    (mask != 0).then_some((tail, mask))
}

/// `at` is not preceded by a letter or digit (`Iran` in `Iranian` is not
/// a match; a name that ends with a period, `Calif.`, is bounded by it).
fn starts_word(s: &str, at: usize) -> bool {
    match at.checked_sub(1).map(|p| s.as_bytes()[p]) {
        None => true,
        Some(b) if b.is_ascii() => !b.is_ascii_alphanumeric(),
        Some(_) => !glued(s[..at].chars().next_back()),
    }
}

/// A letter or digit follows `end` (`Iran` in `Iranian`).
fn ends_glued(s: &str, end: usize) -> bool {
    match s.as_bytes().get(end) {
        None => false,
        Some(b) if b.is_ascii() => b.is_ascii_alphanumeric(),
        Some(_) => glued(s[end..].chars().next()),
    }
}

fn glued(c: Option<char>) -> bool {
    c.is_some_and(is_alphanumeric)
}

/// The entry whose name or alias is exactly `name`, demonyms excluded.
pub fn lookup(name: &str) -> Option<&'static Entry> {
    let g = &*GAZETTEER;
    g.by_name.get(name).map(|&i| &g.entries[i])
}

/// The country of a demonym: `Ukrainian` → `Ukraine`.
pub fn demonym_country(word: &str) -> Option<&'static str> {
    GAZETTEER.demonyms.get(word).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names_in(text: &str) -> Vec<(&'static str, Class)> {
        find(text, 0..text.len())
            .into_iter()
            .map(|h| (h.entry.name, h.entry.class))
            .collect()
    }

    #[test]
    fn every_data_row_has_a_name_and_organizations_a_kind() {
        for data in [CITIES, US_STATES, COUNTRIES, REGIONS, ORGANIZATIONS] {
            for row in rows(data) {
                assert!(!row[0].is_empty(), "empty name in {row:?}");
            }
        }
        for row in rows(ORGANIZATIONS) {
            let kind = row.get(1).copied().unwrap_or("");
            assert!(
                [
                    "international",
                    "media",
                    "government",
                    "political_party",
                    "military",
                    "company",
                    "ngo",
                    "education"
                ]
                .contains(&kind),
                "bad kind in {row:?}"
            );
        }
    }

    #[test]
    fn aliases_resolve_to_canonical_names() {
        assert_eq!(lookup("Kiev").map(|e| e.name), Some("Kyiv"));
        assert_eq!(lookup("U.S.").map(|e| e.name), Some("United States"));
        assert_eq!(lookup("AP").map(|e| e.name), Some("Associated Press"));
        assert_eq!(lookup("Ukrainian"), None);
        assert_eq!(demonym_country("Ukrainian"), Some("Ukraine"));
    }

    #[test]
    fn ambiguous_names_keep_their_first_definition() {
        assert_eq!(lookup("Washington").map(|e| e.kind), Some("city"));
        assert_eq!(lookup("Georgia").map(|e| e.kind), Some("state"));
        assert_eq!(lookup("New York").map(|e| e.kind), Some("city"));
    }

    #[test]
    fn matches_respect_case_word_boundaries_and_length() {
        assert_eq!(
            names_in("The New York Times wrote from Iran."),
            vec![
                ("The New York Times", Class::Organization),
                ("Iran", Class::Place)
            ]
        );
        assert_eq!(
            names_in("Iranian turkey for us"),
            vec![("Iran", Class::Demonym)]
        );
        assert_eq!(
            names_in("Boston, Mass., and Calif.'s"),
            vec![
                ("Boston", Class::Place),
                ("Massachusetts", Class::Place),
                ("California", Class::Place)
            ]
        );
    }

    #[test]
    fn names_anchored_after_their_first_byte_are_found() {
        assert_eq!(
            names_in("Al Jazeera said al-Qaeda, not al Qaeda or formal-Qaeda."),
            vec![
                ("Al Jazeera", Class::Organization),
                ("al-Qaida", Class::Organization),
                ("al-Qaida", Class::Organization)
            ]
        );
    }

    #[test]
    fn capitals_are_found_in_every_block() {
        let t = "aBcdefgHIjklmnopqrsT\u{e9}U";
        assert_eq!(
            Capitals::new(t.as_bytes()).collect::<Vec<_>>(),
            vec![1, 7, 8, 19, 22]
        );
        assert_eq!(Capitals::new(b"").count(), 0);
    }

    #[test]
    fn odd_ranges_do_not_panic() {
        let t = "Kyiv 🇺🇦 Київ";
        assert!(find(t, 0..t.len() + 5).is_empty());
        assert!(find(t, 6..7).is_empty());
        assert_eq!(find(t, 0..4).len(), 1);
    }
}
