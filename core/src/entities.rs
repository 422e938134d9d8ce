//! Named entities: people with their roles, organizations and places.
//!
//! People come from [`people::find`], the one notion of a person shared
//! with the quote speakers. Organizations and places come from two
//! sources, both over body paragraphs only:
//!
//! - the [`gazetteer`]: known names and aliases (`U.N.` → `United
//!   Nations`, `Kiev` → `Kyiv`), kept only when the name stands alone: a
//!   known name glued to other capitalized words is part of a larger name
//!   (`George Washington`, `Jordan Peterson`, `National Security Council`);
//! - [`org_names`]: organizations by their head noun (`Defense Ministry`);
//! - [`cued_names`]: organizations by the word that says what they are
//!   (`the advocacy group America's Voice`, `a Latino Decisions poll`).
//!
//! Demonyms are not place mentions (`Ukrainian` does not add a mention of
//! Ukraine; see [`gazetteer`]). A dateline's city (`KYIV, Ukraine (AP) —`)
//! is a place mention even though it is in capitals. Paragraphs in capitals
//! are skipped, and Headline Case paragraphs get no head-noun names, so
//! headline case does not make entities; a name covered by a person's
//! mention (`Jordan` in `Jim Jordan`) is the person's.
//!
//! Each list holds one entry per canonical name, sorted by mention count
//! (most first) then name, mentions in text order.

mod cued_names;
mod org_names;

use std::borrow::Cow;
use std::ops::Range;

use crate::enriched::{Entities, Organization, Person, Place};
use crate::gazetteer::{self, Class, Hit};
use crate::people::{self, PersonFound};
use crate::text::is_alphanumeric;
use crate::{metadata, swar, Doc};

/// An organization or place found in the body, in byte ranges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedFound {
    pub name: String,
    pub kind: Option<&'static str>,
    pub mentions: Vec<Range<usize>>,
}

/// Entities found in the body, before conversion to the output form.
#[derive(Debug, Default)]
pub struct Found {
    pub people: Vec<PersonFound>,
    pub organizations: Vec<NamedFound>,
    pub places: Vec<NamedFound>,
}

impl Found {
    /// The output form. Takes the entities by value: their names, kinds
    /// and roles move into the output instead of being copied, which
    /// took two or more allocations per entity.
    pub fn into_output(self, doc: &Doc) -> Entities {
        let spans = |m: &[Range<usize>]| m.iter().map(|r| doc.span(r.clone())).collect::<Vec<_>>();
        Entities {
            people: self
                .people
                .into_iter()
                .map(|p| Person {
                    mentions: spans(&p.mentions),
                    count: p.mentions.len(),
                    name: p.name,
                    roles: p.roles,
                })
                .collect(),
            organizations: self
                .organizations
                .into_iter()
                .map(|o| Organization {
                    mentions: spans(&o.mentions),
                    count: o.mentions.len(),
                    name: o.name,
                    kind: o.kind.map(Cow::Borrowed),
                })
                .collect(),
            places: self
                .places
                .into_iter()
                .map(|p| Place {
                    mentions: spans(&p.mentions),
                    count: p.mentions.len(),
                    name: p.name,
                    kind: p.kind.map(Cow::Borrowed),
                })
                .collect(),
        }
    }
}

pub fn extract(doc: &Doc) -> Found {
    let people = people::find(doc);
    let person_spans = Spans::new(people.iter().flat_map(|p| p.mentions.iter().cloned()));
    let mut organizations = Tally::default();
    let mut places = Tally::default();
    // One scan for capitals serves both matchers, into one buffer; the
    // gazetteer's hits go into another, reused from paragraph to paragraph.
    let mut capitals = Vec::new();
    let mut hits = Vec::new();
    let poll_words = cued_names::poll_words(doc.text);
    for (para, tokens) in doc.body.iter().zip(doc.body_tokens().iter()) {
        let p = &doc.text[para.clone()];
        if is_shouting(p) {
            continue;
        }
        capitals.clear();
        capitals.extend(gazetteer::capitals(p));
        let mut orgs = org_names::find(doc.text, para.clone(), &capitals, tokens);
        gazetteer::find_at_capitals(doc.text, para.clone(), &capitals, &mut hits);
        // A head-noun name that the gazetteer knows as it stands (`West
        // Bank`, `U.N. Security Council`), or inside a longer name it
        // knows (`Wall Street Journal` of `The Wall Street Journal`), is
        // the gazetteer's. So is one glued by a hyphen to a known
        // organization: that is two names (`Washington Post-ABC News`,
        // `NBC-Wall Street Journal`). A place after the hyphen is a
        // campus (`University of Wisconsin-Milwaukee`).
        orgs.retain(|o| {
            !hits.iter().any(|h| {
                contains(&h.range(), &o.range)
                    || (h.entry.class == Class::Organization
                        && contains(&o.range, &h.range())
                        && doc.text[..h.start].ends_with('-'))
            })
        });
        let polls = {
            let from = poll_words.partition_point(|&at| at < para.start);
            let to = poll_words.partition_point(|&at| at < para.end);
            &poll_words[from..to]
        };
        let mut cued = cued_names::find(doc.text, para.clone(), tokens, &capitals, polls);
        cued.retain(|c| keeps_cued(c, &hits, &orgs));
        for hit in &hits {
            let inside_org = orgs.iter().any(|o| contains(&o.range, &hit.range()))
                || cued.iter().any(|c| contains(&c.range, &hit.range()));
            if inside_org || !stands_alone(doc.text, para, hit) {
                continue;
            }
            if let Some(town) = town_before_state(doc.text, para, hit, &hits) {
                places.add(&spaced(&doc.text[town.clone()]), Some("city"), town);
            }
            let tally = match hit.entry.class {
                Class::Place => &mut places,
                Class::Organization => &mut organizations,
                Class::Demonym => continue,
            };
            tally.add(hit.entry.name, Some(hit.entry.kind), hit.range());
        }
        for cued in cued {
            organizations.add(
                &spaced(&doc.text[cued.range.clone()]),
                cued.kind,
                cued.range,
            );
        }
        for org in orgs {
            organizations.add(&org.name, org.kind, org.range);
        }
    }
    if let Some((name, range)) = dateline_city(doc) {
        places.add(name, Some("city"), range);
    }
    organizations.drop_covered(&person_spans);
    places.drop_covered(&person_spans);
    Found {
        people,
        organizations: organizations.into_sorted(),
        places: places.into_sorted(),
    }
}

/// Mentions by canonical name, in order of first mention. An article
/// names a few dozen entities at most, so a list searched from the start
/// is cheaper than a map; the final sort by count and name is a total
/// order, so the output never depends on the list's order.
#[derive(Default)]
struct Tally {
    entries: Vec<NamedFound>,
}

impl Tally {
    /// Records a mention; the first kind seen for a name stays (gazetteer
    /// hits come first in each paragraph, so their kinds win).
    fn add(&mut self, name: &str, kind: Option<&'static str>, range: Range<usize>) {
        // Most mentions are of names seen before: no allocation for them.
        let Some(entry) = self.entries.iter_mut().find(|e| e.name == name) else {
            self.entries.push(NamedFound {
                name: name.to_owned(),
                kind,
                mentions: vec![range],
            });
            return;
        };
        if entry.kind.is_none() {
            entry.kind = kind;
        }
        entry.mentions.push(range);
    }

    /// Removes mentions that lie inside a person's mention.
    fn drop_covered(&mut self, person_spans: &Spans) {
        for entry in &mut self.entries {
            entry.mentions.retain(|m| !person_spans.cover(m));
        }
    }

    fn into_sorted(self) -> Vec<NamedFound> {
        let mut out: Vec<NamedFound> = self
            .entries
            .into_iter()
            .filter(|e| !e.mentions.is_empty())
            .map(|mut e| {
                e.mentions.sort_by_key(|r| (r.start, r.end));
                e.mentions.dedup();
                e.kind = e.kind.filter(|k| !k.is_empty());
                e
            })
            .collect();
        out.sort_by(|a, b| {
            b.mentions
                .len()
                .cmp(&a.mentions.len())
                .then_with(|| a.name.cmp(&b.name))
        });
        out
    }
}

/// Byte ranges sorted by start, each with the furthest end of it and
/// those before it: whether one of them contains a range is then a binary
/// search, not a pass over all of them.
struct Spans {
    starts: Vec<usize>,
    furthest_ends: Vec<usize>,
}

impl Spans {
    fn new(spans: impl Iterator<Item = Range<usize>>) -> Self {
        let mut spans: Vec<Range<usize>> = spans.collect();
        spans.sort_unstable_by_key(|r| r.start);
        let furthest_ends = spans
            .iter()
            .scan(0, |furthest, r| {
                *furthest = r.end.max(*furthest);
                Some(*furthest)
            })
            .collect();
        Self {
            starts: spans.iter().map(|r| r.start).collect(),
            furthest_ends,
        }
    }

    /// Whether some span starts at or before `inner` and ends at or after it.
    fn cover(&self, inner: &Range<usize>) -> bool {
        let before = self.starts.partition_point(|&s| s <= inner.start);
        before > 0 && self.furthest_ends[before - 1] >= inner.end
    }
}

/// A name as written, its words one space apart (a line break inside a
/// name in the text is none in its output).
fn spaced(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether two byte ranges share a byte.
fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

fn contains(outer: &Range<usize>, inner: &Range<usize>) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// A paragraph in capitals (`BREAKING NEWS FROM KYIV`): names cannot be
/// told from words there. Judged on the first [`SHOUTING_SAMPLE_BYTES`]
/// by counting ASCII letters eight bytes at a time: the gazetteer's names
/// are Latin-script, and paragraphs in capitals are short headings.
fn is_shouting(p: &str) -> bool {
    let sample = &p.as_bytes()[..p.len().min(SHOUTING_SAMPLE_BYTES)];
    let (mut upper, mut lower, mut left) = (0, 0, sample.len());
    for block in sample.chunks(8) {
        let word = swar::word_at(block, 0).unwrap_or(0);
        upper += swar::count_marked(swar::ascii_range_bits(word, b'A'..=b'Z'));
        lower += swar::count_marked(swar::ascii_range_bits(word, b'a'..=b'z'));
        // Prose is told within a few words: even if every byte left were
        // a capital, there would be fewer than four per small letter.
        left -= block.len();
        if 4 * lower > upper + left {
            return false;
        }
    }
    let letters = upper + lower;
    letters >= 12 && upper * 10 >= letters * 8
}

const SHOUTING_SAMPLE_BYTES: usize = 200;

/// Capitalized words that may precede a known name without being part of
/// it: sentence openers, prepositions, directions. A `match`, which tells
/// a word by its length and bytes, not a pass over a list comparing it
/// with each.
fn may_precede(word: &str) -> bool {
    matches!(
        word,
        "A" | "About"
            | "According"
            | "Across"
            | "After"
            | "Against"
            | "All"
            | "Along"
            | "Also"
            | "Among"
            | "An"
            | "And"
            | "Around"
            | "As"
            | "At"
            | "Before"
            | "Beyond"
            | "Both"
            | "But"
            | "By"
            | "Central"
            | "Eastern"
            | "Even"
            | "For"
            | "From"
            | "Greater"
            | "If"
            | "In"
            | "Inside"
            | "Into"
            | "Like"
            | "Meanwhile"
            | "Near"
            | "North"
            | "Northern"
            | "Of"
            | "On"
            | "Only"
            | "Or"
            | "Outside"
            | "Over"
            | "Since"
            | "So"
            | "South"
            | "Southern"
            | "The"
            | "Then"
            | "Through"
            | "To"
            | "Toward"
            | "Towards"
            | "Under"
            | "Unlike"
            | "Until"
            | "Upstate"
            | "Via"
            | "West"
            | "Western"
            | "When"
            | "Where"
            | "While"
            | "With"
            | "Within"
            | "Without"
            | "East"
            | "Downtown"
    )
}

/// Capitalized words that may follow a known name without being part of
/// it: titles of the people it governs, party labels and a poll it runs
/// (`Washington Post Poll`; days and months too, see [`is_day_or_month`]).
/// A `match`, as [`may_precede`].
fn may_follow(word: &str) -> bool {
    matches!(
        word,
        "Attorney"
            | "Chairman"
            | "Democrat"
            | "Democratic"
            | "Democrats"
            | "Director"
            | "Foreign"
            | "Gov"
            | "Gov."
            | "Governor"
            | "Leader"
            | "Majority"
            | "Mayor"
            | "Minister"
            | "Minority"
            | "Poll"
            | "Polls"
            | "Prime"
            | "President"
            | "Rep"
            | "Rep."
            | "Republican"
            | "Republicans"
            | "Secretary"
            | "Sen"
            | "Sen."
            | "Senator"
            | "Speaker"
            | "Spokesman"
            | "Spokeswoman"
            | "Survey"
    )
}

fn is_day_or_month(word: &str) -> bool {
    crate::text::WEEKDAYS.contains(&word) || crate::text::MONTHS.contains(&word)
}

/// True when a gazetteer hit is not glued to other capitalized words in
/// its paragraph (only spaces between), other than the harmless ones.
fn stands_alone(text: &str, para: &Range<usize>, hit: &Hit) -> bool {
    let before = &text[para.start..hit.start];
    let after = &text[hit.end..para.end];
    // Before the name, a word ending in a period closes a sentence unless
    // it is a short title (`Mr.`, `Sen.`): `… Monday. Texas` is not glued.
    let prev_glued = adjacent_word(before.strip_suffix(' '), true)
        .is_some_and(|w| !may_precede(w) && (!w.ends_with('.') || w.len() <= 4));
    let next_glued = adjacent_word(after.strip_prefix(' '), false)
        .is_some_and(|w| !may_follow(w) && !is_day_or_month(w));
    !prev_glued && !next_glued
}

/// Whether a cued name stays one beside the known and head-noun names of
/// its paragraph. One they overlap is theirs, and so is one holding an
/// organization the gazetteer knows, one that is a place, and a poll's that
/// ends with one (`a new Iowa poll`, `a Marist South Carolina poll`);
/// another place inside one is the name's (`America` of `the advocacy
/// group America's Voice`, `USA` of `Priorities USA Action`, `Des Moines`
/// of `the Des Moines Register poll`).
fn keeps_cued(c: &cued_names::Cued, hits: &[Hit], orgs: &[org_names::OrgName]) -> bool {
    let theirs = |h: &Hit| {
        let r = h.range();
        (overlaps(&r, &c.range) && !contains(&c.range, &r))
            || (contains(&c.range, &r)
                && (h.entry.class == Class::Organization
                    || r == c.range
                    || (c.by_poll && r.end == c.range.end)))
    };
    !hits.iter().any(theirs) && !orgs.iter().any(|o| overlaps(&o.range, &c.range))
}

/// The town of `in Newtown, Connecticut`, which the gazetteer does not
/// list: one to three capitalized words between a preposition and the
/// comma before a state (`hit`), none of them a known name (`in Boston,
/// Massachusetts` is the gazetteer's), a day or a month (`in January,
/// Iowa voters`).
fn town_before_state(
    text: &str,
    para: &Range<usize>,
    hit: &Hit,
    hits: &[Hit],
) -> Option<Range<usize>> {
    if hit.entry.kind != "state" {
        return None;
    }
    let before = text[para.start..hit.start].strip_suffix(", ")?;
    let end = para.start + before.len();
    let mut start = end;
    for word in before.rsplit(' ').take(4) {
        let word_start = start - word.len();
        let capitalized = word.chars().next().is_some_and(char::is_uppercase)
            && word
                .chars()
                .all(|c| c.is_alphabetic() || matches!(c, '.' | '-' | '\'' | '’'));
        if capitalized && end - word_start < 40 && !is_day_or_month(word) {
            start = word_start.saturating_sub(1);
            continue;
        }
        let town = start + 1..end;
        let known = hits.iter().any(|h| overlaps(&h.range(), &town));
        let after_preposition = matches!(word, "in" | "of" | "from" | "at" | "near" | "outside");
        return (after_preposition && start < end && !known).then_some(town);
    }
    None
}

/// The capitalized word right before (`from_end`) or after a single
/// space, if that space is there. A word cut off by punctuation on the
/// name's side (`Boston,` before `Mass.`) is not adjacent; a final period
/// is kept so `Gov.` and `Mr.` stay whole. Most words next to a name are
/// not capitalized, and are dismissed before any other test.
fn adjacent_word(s: Option<&str>, from_end: bool) -> Option<&str> {
    let s = s?;
    let word = if from_end {
        last_word(s)
    } else {
        // The word after opens `s`: its first character is asked before
        // the word's end is looked for.
        if !s.chars().next().is_some_and(char::is_uppercase) {
            return None;
        }
        s.split(char::is_whitespace).next()?
    };
    if !word.chars().next().is_some_and(char::is_uppercase) {
        return None;
    }
    let word = if from_end {
        word
    } else {
        word.trim_end_matches([',', ';', ':', '!', '?', ')', '”', '"', '’', '\''])
    };
    let clean = |c: char| is_alphanumeric(c) || c == '.';
    (!word.is_empty() && word.chars().all(|c| clean(c) || c == '-')).then_some(word)
}

/// The last word of `s`, as `s.rsplit(char::is_whitespace).next()` has
/// it: found from the bytes while they are ASCII, the characters decoded
/// only when the word has others.
fn last_word(s: &str) -> &str {
    let bytes = s.as_bytes();
    let stop = bytes
        .iter()
        .rposition(|&b| !b.is_ascii() || matches!(b, b'\t'..=b'\r' | b' '));
    match stop {
        None => s,
        Some(k) if bytes[k].is_ascii() => &s[k + 1..],
        Some(_) => s.rsplit(char::is_whitespace).next().unwrap_or(s),
    }
}

/// The city of the body's dateline as a place mention: `KYIV` → `Kyiv`.
fn dateline_city(doc: &Doc) -> Option<(&'static str, Range<usize>)> {
    let found = metadata::dateline_of(doc)?;
    let city = found.place.split(',').next()?.trim();
    let entry = gazetteer::lookup(&title_case(city))?;
    (entry.class == Class::Place).then(|| {
        (
            entry.name,
            found.range.start..found.range.start + city.len(),
        )
    })
}

/// `NEW YORK` → `New York`, `ST. LOUIS` → `St. Louis`.
fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut at_word_start = true;
    for c in s.chars() {
        if at_word_start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        at_word_start = c == ' ' || c == '-';
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Name, kind and mention count of each entity.
    type Flat = Vec<(String, Option<&'static str>, usize)>;

    fn found(t: &str) -> (Flat, Flat) {
        let f = extract(&Doc::new(t));
        let flat = |v: Vec<NamedFound>| {
            v.into_iter()
                .map(|n| (n.name, n.kind, n.mentions.len()))
                .collect::<Vec<_>>()
        };
        (flat(f.organizations), flat(f.places))
    }

    fn names(v: &Flat) -> Vec<&str> {
        v.iter().map(|(n, _, _)| n.as_str()).collect()
    }

    #[test]
    fn places_merge_aliases_and_skip_demonyms() {
        let (_, places) = found(
            "Kiev and Kyiv are one city in Ukraine. Ukrainian troops left Kharkiv for the U.S. and Boston, Mass.",
        );
        assert_eq!(
            places,
            vec![
                ("Kyiv".into(), Some("city"), 2),
                ("Boston".into(), Some("city"), 1),
                ("Kharkiv".into(), Some("city"), 1),
                ("Massachusetts".into(), Some("state"), 1),
                ("Ukraine".into(), Some("country"), 1),
                ("United States".into(), Some("country"), 1),
            ]
        );
    }

    #[test]
    fn organizations_from_gazetteer_and_head_nouns() {
        let (orgs, _) = found(
            "State news agency Ukrinform reported, citing the Defense Ministry. The U.N. and the United Nations agreed, AP said.",
        );
        assert_eq!(
            orgs,
            vec![
                ("United Nations".into(), Some("international"), 2),
                ("Associated Press".into(), Some("media"), 1),
                ("Defense Ministry".into(), Some("government"), 1),
                ("Ukrinform".into(), Some("media"), 1),
            ]
        );
    }

    #[test]
    fn the_gazetteer_names_an_outlet_its_head_noun_also_finds() {
        let (orgs, _) = found(
            "The poll was done by The Wall Street Journal with a partner, and the Wall Street Journal said so.",
        );
        assert_eq!(
            orgs,
            vec![("The Wall Street Journal".into(), Some("media"), 2)]
        );
    }

    #[test]
    fn abbreviations_with_periods_nicknames_and_capitol_sites() {
        let (orgs, places) = found(
            "Facebook reported the posting to the F.B.I. on Thursday. The Grand Old Party and the G.O.P. leaders on Capitol Hill met him in the Oval Office.",
        );
        assert_eq!(
            orgs,
            vec![
                ("Republican Party".into(), Some("political_party"), 2),
                ("Facebook".into(), Some("company"), 1),
                (
                    "Federal Bureau of Investigation".into(),
                    Some("government"),
                    1
                ),
            ]
        );
        assert_eq!(
            places,
            vec![
                ("Capitol Hill".into(), Some("region"), 1),
                ("Oval Office".into(), Some("region"), 1),
            ]
        );
    }

    #[test]
    fn a_cued_name_holds_the_places_in_it_not_the_organizations() {
        let (orgs, places) = found(
            "The survey was done for the immigration advocacy group America's Voice, and the super PAC Priorities USA Action paid for ads, as did the company Google.",
        );
        assert_eq!(
            orgs,
            vec![
                ("America's Voice".into(), None, 1),
                ("Google".into(), Some("company"), 1),
                ("Priorities USA Action".into(), None, 1),
            ]
        );
        assert_eq!(places, vec![]);
        let (orgs, places) = found(
            "A new Iowa poll and a Marist South Carolina poll agree with the Des Moines Register poll out on Monday.",
        );
        assert_eq!(
            orgs,
            vec![("Des Moines Register".into(), Some("company"), 1)]
        );
        // (`South Carolina`, glued to `Marist`, is part of a name.)
        assert_eq!(places, vec![("Iowa".into(), Some("state"), 1)]);
    }

    #[test]
    fn an_outlet_before_its_poll_is_named() {
        let (orgs, _) =
            found("In an ABC News/Washington Post Poll released on Sunday, three of four agreed.");
        assert_eq!(
            orgs,
            vec![
                ("ABC News".into(), Some("media"), 1),
                ("The Washington Post".into(), Some("media"), 1),
            ]
        );
    }

    #[test]
    fn a_town_before_its_state_is_a_place() {
        let (_, places) = found(
            "The families of children killed in Newtown, Connecticut, sued. In January, Iowa voters met in Boston, Massachusetts, and in Cedar Rapids, Iowa.",
        );
        assert_eq!(
            places,
            vec![
                ("Iowa".into(), Some("state"), 2),
                ("Boston".into(), Some("city"), 1),
                ("Cedar Rapids".into(), Some("city"), 1),
                ("Connecticut".into(), Some("state"), 1),
                ("Massachusetts".into(), Some("state"), 1),
                ("Newtown".into(), Some("city"), 1),
            ]
        );
    }

    #[test]
    fn outlets_joined_by_a_hyphen_or_a_slash_are_two() {
        let (orgs, _) = found(
            "A Washington Post-ABC News poll and an NBC News/Wall Street Journal poll found it.",
        );
        assert_eq!(
            orgs,
            vec![
                ("ABC News".into(), Some("media"), 1),
                ("NBC News".into(), Some("media"), 1),
                ("The Wall Street Journal".into(), Some("media"), 1),
                ("The Washington Post".into(), Some("media"), 1),
            ]
        );
    }

    #[test]
    fn names_inside_larger_names_are_not_places() {
        let (orgs, places) = found(
            "George Washington was a name mentioned by the guide, who said that Jordan Peterson \
             had spoken near the National Security Council in Washington. Texas Gov. Jane Roe \
             agreed with him on that and said so again later.",
        );
        assert_eq!(names(&places), vec!["Texas", "Washington"]);
        assert_eq!(names(&orgs), vec!["National Security Council"]);
    }

    #[test]
    fn headline_case_and_capitals_do_not_make_organizations() {
        let (orgs, places) = found(
            "Advertisement Board Says Party Committee Will Meet Soon\n\nBREAKING NEWS FROM THE UNITED NATIONS IN KYIV TODAY",
        );
        assert!(orgs.is_empty(), "{orgs:?}");
        assert!(places.is_empty(), "{places:?}");
    }

    #[test]
    fn dateline_city_is_a_place() {
        let (_, places) = found("KYIV, Ukraine (AP) — Sirens sounded.");
        assert_eq!(names(&places), vec!["Kyiv", "Ukraine"]);
    }

    #[test]
    fn shouting_is_four_capitals_per_small_letter_in_the_sample() {
        // The rule as first written: two counts over the sample.
        let by_counts = |p: &str| {
            let sample = &p.as_bytes()[..p.len().min(SHOUTING_SAMPLE_BYTES)];
            let letters = sample.iter().filter(|b| b.is_ascii_alphabetic()).count();
            let upper = sample.iter().filter(|b| b.is_ascii_uppercase()).count();
            letters >= 12 && upper * 10 >= letters * 8
        };
        let long_caps = format!("{} and more", "KYIV ".repeat(40));
        let late_caps = format!("{}{}", "x".repeat(150), "KYIV ".repeat(20));
        for p in [
            "",
            "KYIV UKRAINE",
            "KYIV UKRAIN",
            "BREAKING NEWS FROM THE UNITED NATIONS IN KYIV TODAY",
            "BREAKING NEWS from THE UNITED NATIONS",
            "BREAKING NEWS FROM Kyiv",
            "Kyiv is the capital of Ukraine.",
            "ÉÉÉÉ KYIV UKRAINE ÉÉÉ",
            long_caps.as_str(),
            late_caps.as_str(),
        ] {
            assert_eq!(is_shouting(p), by_counts(p), "{p:?}");
        }
    }

    #[test]
    fn spans_cover_what_one_of_them_contains() {
        let spans = [5..9, 0..3, 2..12, 20..25, 21..22];
        let covers = Spans::new(spans.iter().cloned());
        for start in 0..30 {
            for end in start..30 {
                let inner = start..end;
                let any = spans.iter().any(|s| contains(s, &inner));
                assert_eq!(covers.cover(&inner), any, "{inner:?}");
            }
        }
        assert!(!Spans::new(std::iter::empty()).cover(&(0..0)));
    }

    #[test]
    fn last_word_splits_like_rsplit_on_white_space() {
        for s in [
            "",
            " ",
            "Texas",
            "in Texas",
            "in\u{b}Texas",
            "near “Kyiv",
            "à Paris",
            "x\u{a0}Paris",
            "Gov. ",
            "été",
        ] {
            assert_eq!(
                last_word(s),
                s.rsplit(char::is_whitespace).next().unwrap(),
                "{s:?}"
            );
        }
    }

    #[test]
    fn odd_text_does_not_panic() {
        for t in [
            "",
            "\n\n",
            "🙂 Kyiv 🙂",
            "Kyiv\u{0}Ukraine",
            "\u{202E}Ukraine ‏Kyiv",
            "U.S.",
            "Ministry of",
        ] {
            let _ = found(t);
        }
    }
}
