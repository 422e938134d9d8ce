//! Gazetteers: the places and organizations the core knows by name.
//!
//! The lists ship as tab-separated data files under `core/data/`, written
//! from well-known public lists (ISO 3166 countries, US states, national
//! capitals and large cities, international bodies, news agencies, US
//! institutions). They are compiled into the binary with `include_str!`, so
//! the worker needs no files at run time, and parsed once into one
//! Aho-Corasick automaton over every name and alias.
//!
//! Matching is case-sensitive (`Turkey` the country, not `turkey` the bird;
//! `US` the country, not `us`) and on word boundaries (`Iran` does not match
//! inside `Iranian`). When names overlap, the longest wins (`New York
//! Times` over `New York`). A name listed twice keeps its first definition,
//! in the load order cities → US states → countries → regions →
//! organizations: `Washington` is the city, `Georgia` the US state.
//!
//! Demonyms (`Ukrainian`) are in the automaton too, as their own class:
//! they are *not* place mentions (a `Ukrainian howitzer` does not name a
//! location, and counting it would inflate `Ukraine` in every article about
//! the war), but knowing them keeps `Ukrainian President` from looking like
//! an unknown capitalized name, and [`demonym_country`] maps them to their
//! country for roles.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};

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
    /// For every automaton pattern, the index of its entry.
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
    let g = &*GAZETTEER;
    let Some(slice) = text.get(range.clone()) else {
        return Vec::new();
    };
    g.words
        .find_iter(slice)
        .map(|(pattern, m)| Hit {
            start: range.start + m.start,
            end: range.start + m.end,
            entry: &g.entries[g.pattern_entry[pattern]],
        })
        .collect()
}

/// Finds whole words (or runs of words) from a list, the longest at each
/// word start.
///
/// A plain Aho-Corasick scan feeds every byte of the text through the
/// automaton. Names start only at word starts, with few possible first
/// two bytes (`Ky`, `Wa`, `U.` …), so this looks at each byte once in a
/// bit table and runs an anchored search (a DFA walk that dies within a
/// few bytes) only where a name can start: several times faster on news
/// text. A first table of single bytes lets the scan skip, in a tight
/// loop, the lowercase text between capitals. Patterns need at least two
/// bytes.
pub(crate) struct WordMatcher {
    automaton: AhoCorasick,
    /// `first[b]`: some pattern begins with byte `b`.
    first: [bool; 256],
    /// Bit `b0 << 8 | b1`: some pattern begins with bytes `b0 b1`.
    can_start: Vec<u64>,
}

impl WordMatcher {
    pub(crate) fn new<P: AsRef<str>>(patterns: &[P]) -> Self {
        let mut first = [false; 256];
        let mut can_start = vec![0u64; 65_536 / 64];
        for p in patterns {
            if let [b0, b1, ..] = p.as_ref().as_bytes() {
                first[usize::from(*b0)] = true;
                let bit = usize::from(*b0) << 8 | usize::from(*b1);
                can_start[bit / 64] |= 1 << (bit % 64);
            }
        }
        // A DFA: a few MB of memory, once, for the fastest walk.
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .start_kind(StartKind::Anchored)
            .build(patterns.iter().map(AsRef::as_ref))
            .expect("word lists are valid automata");
        Self {
            automaton,
            first,
            can_start,
        }
    }

    /// (pattern index, byte range) of every match in `s` that starts and
    /// ends on a word boundary, in text order, without overlaps.
    pub(crate) fn find_iter<'a>(
        &'a self,
        s: &'a str,
    ) -> impl Iterator<Item = (usize, Range<usize>)> + 'a {
        let bytes = s.as_bytes();
        let mut i = 0;
        std::iter::from_fn(move || {
            while i + 1 < bytes.len() {
                let Some(k) = bytes[i..bytes.len() - 1]
                    .iter()
                    .position(|&b| self.first[usize::from(b)])
                else {
                    break;
                };
                let at = i + k;
                i = at + 1;
                // A pattern's first byte is never a UTF-8 continuation byte,
                // so `at` is a character boundary here.
                if !self.can_start(bytes[at], bytes[at + 1]) || !starts_word(s, at) {
                    continue;
                }
                let input = Input::new(s).range(at..).anchored(Anchored::Yes);
                let Ok(Some(m)) = self.automaton.try_find(input) else {
                    continue;
                };
                if !glued(s[m.end()..].chars().next()) {
                    i = m.end();
                    return Some((m.pattern().as_usize(), m.start()..m.end()));
                }
            }
            None
        })
    }

    fn can_start(&self, b0: u8, b1: u8) -> bool {
        let bit = usize::from(b0) << 8 | usize::from(b1);
        self.can_start[bit / 64] >> (bit % 64) & 1 == 1
    }

    /// True when `s` holds at least one match.
    pub(crate) fn is_match(&self, s: &str) -> bool {
        self.find_iter(s).next().is_some()
    }
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

fn glued(c: Option<char>) -> bool {
    c.is_some_and(char::is_alphanumeric)
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
    fn odd_ranges_do_not_panic() {
        let t = "Kyiv 🇺🇦 Київ";
        assert!(find(t, 0..t.len() + 5).is_empty());
        assert!(find(t, 6..7).is_empty());
        assert_eq!(find(t, 0..4).len(), 1);
    }
}
