//! People: names, the roles the text gives them, and their mentions.
//!
//! One notion of a person serves both the `entities.people` output and the
//! quote speakers, so `Zelenskyy`, `Volodymyr Zelenskyy` and `Ukrainian
//! President Volodymyr Zelenskyy` are one person everywhere.
//!
//! A person is a run of capitalized words that a cue marks as a name: a
//! title before it (`Prime Minister`, `Sen.`, `spokeswoman`), a common
//! given name at its start, an appositive role (`Kim Lee, executive
//! director of …,`) or a speech verb right after it (`Ann Fox said`). Runs
//! with none of these cues (`Since October`, `Advertisement`, `European`)
//! are not people, which keeps sentence-initial capitals and places out
//! without a gazetteer. Once the full names are known, every later
//! surname (`Shmyhal`) is a mention of the person introduced with it.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

use crate::text::{self, Token};
use crate::Doc;

/// A person found in the body, in byte ranges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonFound {
    /// The canonical (longest) name, e.g. `Volodymyr Zelenskyy`.
    pub name: String,
    /// Titles given in the text, e.g. `Ukrainian President`.
    pub roles: Vec<String>,
    /// Every mention of the person by name, in text order.
    pub mentions: Vec<Range<usize>>,
    /// What the given name or an honorific tells, for resolving `he`/`she`.
    pub gender: Option<Gender>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Male,
    Female,
}

/// Given names, titles and the words that end a name, loaded once from the
/// data files compiled into the binary.
struct Lexicon {
    /// Lowercase given name → the gender it usually marks.
    first_names: HashMap<&'static str, Option<Gender>>,
    /// Lowercase title or role word → the gender it marks (`Mrs`).
    titles: HashMap<&'static str, Option<Gender>>,
}

fn parse_gendered(data: &'static str) -> HashMap<&'static str, Option<Gender>> {
    data.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut parts = l.split_whitespace();
            let word = parts.next()?;
            let gender = match parts.next() {
                Some("m") => Some(Gender::Male),
                Some("f") => Some(Gender::Female),
                _ => None,
            };
            Some((word, gender))
        })
        .collect()
}

fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| Lexicon {
        first_names: parse_gendered(include_str!("../data/first-names.txt")),
        titles: parse_gendered(include_str!("../data/titles.txt")),
    })
}

/// Words that are capitalized without being names: calendar words end a
/// name (`President Obama Tuesday`), and organization words make the whole
/// run an organization (`Fox News`, `Clinton Foundation`).
const NOT_NAME: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "i",
    "the",
    "a",
    "an",
    "but",
    "and",
    "or",
    "if",
    "in",
    "on",
    "at",
    "as",
    "he",
    "she",
    "we",
    "they",
    "it",
    "his",
    "her",
    "this",
    "that",
    "there",
    "when",
    "while",
    "after",
    "before",
    "since",
    "what",
    "who",
    "why",
    "how",
    "so",
    "yes",
    "no",
    "not",
    "of",
    "for",
    "to",
    "by",
    "with",
    "from",
    "mr",
    "mrs",
    "ms",
    "dr",
    "god",
    "jesus",
];

const ORG_WORDS: &[&str] = &[
    "news",
    "agency",
    "party",
    "committee",
    "department",
    "ministry",
    "times",
    "post",
    "journal",
    "network",
    "university",
    "college",
    "institute",
    "foundation",
    "association",
    "council",
    "campaign",
    "inc",
    "corp",
    "group",
    "center",
    "centre",
    "office",
    "service",
    "bureau",
    "administration",
    "commission",
    "court",
    "house",
    "senate",
    "congress",
    "fund",
    "bank",
    "company",
    "union",
    "press",
    "magazine",
    "radio",
    "television",
    "tv",
    "channel",
    "review",
    "tribune",
    "herald",
    "street",
    "school",
    "church",
    "club",
    "hotel",
    "hall",
    "county",
    "city",
    "state",
    "states",
    "republic",
    "airport",
    "project",
    "institution",
    "coalition",
    "caucus",
    "forum",
    "society",
    "organization",
    "organisation",
    "alliance",
    "board",
    "police",
    "army",
    "navy",
    "force",
    "guard",
    "reserve",
    "system",
    "tower",
    "act",
    "law",
    "amendment",
    "plan",
    "program",
    "initiative",
    "report",
    "poll",
    "award",
    "prize",
    "avenue",
    "road",
    "park",
    "square",
    "river",
    "island",
    "mountain",
    "valley",
    "beach",
    "bay",
    "lake",
    "center",
    "stadium",
    "arena",
    "media",
    "studios",
    "pictures",
    "records",
    "books",
    "press",
    "llc",
    "ltd",
    "co",
    "pac",
    "trust",
];

/// Function words that stop the backward scan for a role phrase.
const ROLE_STOP: &[&str] = &[
    "the",
    "a",
    "an",
    "and",
    "or",
    "but",
    "to",
    "for",
    "with",
    "by",
    "from",
    "in",
    "on",
    "at",
    "as",
    "that",
    "who",
    "which",
    "said",
    "says",
    "told",
    "is",
    "was",
    "were",
    "are",
    "be",
    "been",
    "has",
    "have",
    "had",
    "will",
    "would",
    "his",
    "her",
    "their",
    "its",
    "our",
    "my",
    "your",
    "this",
    "these",
    "those",
    "when",
    "while",
    "after",
    "before",
    "since",
    "than",
    "then",
    "also",
    "not",
    "if",
    "of",
    "about",
    "like",
    "against",
    "between",
    "among",
    "into",
    "over",
    "under",
    "during",
    "including",
    "said",
    "according",
    "called",
    "met",
    "named",
];

/// Verbs after a name that mark it as a person's (`Ann Fox said`).
const PERSON_VERBS: &[&str] = &[
    "said",
    "says",
    "told",
    "tells",
    "added",
    "adds",
    "wrote",
    "writes",
    "asked",
    "asks",
    "argued",
    "explained",
    "insisted",
    "noted",
    "stressed",
    "warned",
    "tweeted",
    "recalled",
    "replied",
    "responded",
    "continued",
    "declared",
    "claimed",
    "acknowledged",
    "admitted",
];

pub(crate) fn is_title(word: &str) -> bool {
    lexicon().titles.contains_key(lower(word).as_str())
}

fn title_gender(word: &str) -> Option<Gender> {
    lexicon()
        .titles
        .get(lower(word).as_str())
        .copied()
        .flatten()
}

fn is_first_name(word: &str) -> bool {
    lexicon().first_names.contains_key(lower(word).as_str())
}

fn lower(word: &str) -> String {
    word.to_lowercase()
}

fn in_list(word: &str, list: &[&str]) -> bool {
    let w = lower(word);
    list.contains(&w.as_str())
}

/// A word that could be part of a name: capitalized, not all capitals
/// beyond initials (`CNN`, headline `TRUMP`), with a letter.
pub(crate) fn is_capitalized(word: &str) -> bool {
    let mut chars = word.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if !first.is_uppercase() {
        return false;
    }
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    let upper = word.chars().filter(|c| c.is_uppercase()).count();
    letters <= 2 || upper < letters
}

/// The byte range of a word without a possessive `’s`/`'s` ending.
pub(crate) fn strip_possessive(text: &str, range: Range<usize>) -> Range<usize> {
    let w = &text[range.clone()];
    for suffix in ["’s", "'s", "’", "'"] {
        if let Some(stem) = w.strip_suffix(suffix) {
            if !stem.is_empty() {
                return range.start..range.start + stem.len();
            }
        }
    }
    range
}

fn is_possessive(text: &str, range: &Range<usize>) -> bool {
    strip_possessive(text, range.clone()) != *range
}

/// A name found in the text with the cue that made it one.
#[derive(Debug, Clone)]
struct Candidate {
    /// The name's words, possessive stripped.
    words: Vec<String>,
    role: Option<String>,
    gender: Option<Gender>,
}

/// Finds the people named in the body paragraphs of `doc`.
pub fn find(doc: &Doc) -> Vec<PersonFound> {
    let paragraphs: Vec<Vec<Token>> = doc
        .body
        .iter()
        .map(|p| text::tokens(doc.text, p.clone()))
        .collect();
    let mut candidates = Vec::new();
    for toks in &paragraphs {
        if !looks_like_headline(doc.text, toks) {
            candidates.extend(candidates_in(doc.text, toks));
        }
    }
    let groups = group(candidates);
    let mut people = collect_mentions(doc.text, &paragraphs, &groups);
    people.retain(|p| !p.mentions.is_empty());
    people.sort_by_key(|p| p.mentions.first().map(|m| m.start));
    people
}

/// Headline-case lines (`Hillary Clinton Wins Big In Nevada`) capitalize
/// every word, so capitals there say nothing about names. A line of prose
/// full of names (`Sen. Ann Lee met Gov. Tom Hill on Friday.`) is told
/// apart by its final period.
fn looks_like_headline(text: &str, toks: &[Token]) -> bool {
    let words: Vec<&str> = toks
        .iter()
        .filter(|t| t.is_word)
        .map(|t| &text[t.range.clone()])
        .filter(|w| w.chars().next().is_some_and(char::is_alphabetic))
        .collect();
    let caps = words.iter().filter(|w| is_capitalized(w)).count();
    let prose = toks
        .last()
        .is_some_and(|t| matches!(&text[t.range.clone()], "." | "?" | "!" | "”" | "\""));
    let ratio = |tenths: usize| caps * 10 >= words.len() * tenths;
    words.len() >= 4 && (ratio(9) || (ratio(7) && !prose))
}

/// Runs of capitalized words in a paragraph, as token index lists. An
/// initial or abbreviation keeps its period (`John F. Kennedy`, `Sen.`).
fn capitalized_runs(text: &str, toks: &[Token]) -> Vec<Vec<usize>> {
    let mut runs = Vec::new();
    let mut run: Vec<usize> = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        let word = &text[t.range.clone()];
        let continues = if t.is_word {
            is_capitalized(word)
        } else {
            word == "."
                && run
                    .last()
                    .is_some_and(|&j| is_abbreviation(&text[toks[j].range.clone()]))
        };
        if continues && t.is_word {
            run.push(i);
            if is_possessive(text, &t.range) {
                runs.push(std::mem::take(&mut run));
            }
        } else if !continues && !run.is_empty() {
            runs.push(std::mem::take(&mut run));
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    runs
}

/// A single capital (`F`) or a title abbreviation (`Sen`), which a period
/// follows without ending the name.
fn is_abbreviation(word: &str) -> bool {
    word.chars().count() == 1
        || (word.len() <= 4 && is_title(word))
        || in_list(word, &["jr", "sr", "st"])
}

fn candidates_in(text: &str, toks: &[Token]) -> Vec<Candidate> {
    capitalized_runs(text, toks)
        .into_iter()
        .filter_map(|run| classify(text, toks, &run))
        .collect()
}

/// Decides whether a capitalized run names a person, and splits it into
/// role and name.
fn classify(text: &str, toks: &[Token], run: &[usize]) -> Option<Candidate> {
    let word = |i: usize| &text[toks[i].range.clone()];
    if run.iter().any(|&i| in_list(word(i), ORG_WORDS)) {
        return None;
    }
    // The name starts after the last title word, or at a given name.
    let last_title = run.iter().rposition(|&i| is_title(word(i)));
    let mut start = last_title.map_or(0, |k| k + 1);
    if let Some(j) = run[start..].iter().position(|&i| is_first_name(word(i))) {
        if start + j + 1 < run.len() {
            start += j;
        }
    }
    let mut name: Vec<usize> = run[start..]
        .iter()
        .copied()
        .take_while(|&i| !in_list(word(i), NOT_NAME))
        .collect();
    if name.len() > 4 || name.is_empty() || name.iter().all(|&i| word(i).chars().count() == 1) {
        return None;
    }
    let has_first = is_first_name(word(name[0])) && name.len() >= 2;
    let titled = last_title.is_some_and(|k| k < start) || start > 0 && has_first;
    let before = run[0].checked_sub(1);
    let role_before = role_ending_at(text, toks, run[0], run.get(start).copied());
    let apposition = apposition_after(text, toks, *name.last()?);
    let verb_after = name.len() >= 2
        && toks
            .get(name.last()? + 1)
            .is_some_and(|t| t.is_word && in_list(&text[t.range.clone()], PERSON_VERBS));
    let lower_role_before =
        before.is_some_and(|b| toks[b].is_word && is_title(&text[toks[b].range.clone()]));
    // `Ryan’s spokeswoman, AshLee Strong,`
    let role_comma_before = before
        .filter(|&b| &text[toks[b].range.clone()] == ",")
        .and_then(|b| role_ending_at(text, toks, b, Some(b)));
    let apposition = apposition.or(role_comma_before);
    if !(titled || has_first || lower_role_before || apposition.is_some() || verb_after) {
        return None;
    }
    if name.len() == 1 && !titled && !lower_role_before && apposition.is_none() {
        return None;
    }
    // A trailing initial-less period is not part of the name.
    while name.len() > 1 && !toks[*name.last()?].is_word {
        name.pop();
    }
    let first = name[0];
    let words = name
        .iter()
        .filter(|&&i| toks[i].is_word)
        .map(|&i| text[strip_possessive(text, toks[i].range.clone())].to_owned())
        .collect();
    let gender = run[..start]
        .iter()
        .find_map(|&i| title_gender(word(i)))
        .or_else(|| first_name_gender(word(first)));
    Some(Candidate {
        words,
        role: role_before.or(apposition),
        gender,
    })
}

fn first_name_gender(word: &str) -> Option<Gender> {
    lexicon()
        .first_names
        .get(lower(word).as_str())
        .copied()
        .flatten()
}

/// The role phrase that ends right before a name starting at token
/// `name_start` (or inside the run before it): `Ukrainian Prime Minister`,
/// `Republican presidential candidate`, `Ryan’s spokeswoman`. It must end
/// with a title word; it extends left over words that are not function
/// words, at most six.
fn role_ending_at(
    text: &str,
    toks: &[Token],
    run_start: usize,
    name_start: Option<usize>,
) -> Option<String> {
    let name_start = name_start?;
    let end = name_start.checked_sub(1)?;
    let mut last = end;
    // `Sen. Ted Cruz`: the abbreviation's period.
    if !toks[last].is_word && &text[toks[last].range.clone()] == "." {
        last = last.checked_sub(1)?;
    }
    if !toks[last].is_word || !is_title(&text[toks[last].range.clone()]) {
        return None;
    }
    let mut first = last;
    while first > 0 && last - first < 6 {
        let prev = &toks[first - 1];
        let w = &text[prev.range.clone()];
        let period_of_abbr = !prev.is_word
            && w == "."
            && first >= 2
            && is_abbreviation(&text[toks[first - 2].range.clone()]);
        let word_ok = prev.is_word && !in_list(w, ROLE_STOP) && !in_list(w, PERSON_VERBS);
        if !(word_ok || period_of_abbr) {
            break;
        }
        // Stop at a sentence start unless the word is in the run itself.
        first -= 1;
        if first < run_start && !is_capitalized(w) && !prev.is_word {
            break;
        }
    }
    while first < last && !toks[first].is_word {
        first += 1;
    }
    let role_end = if toks[end].is_word {
        toks[end].range.end
    } else {
        toks[end].range.start
    };
    let role_end = if &text[toks[end].range.clone()] == "." {
        toks[end].range.end
    } else {
        role_end
    };
    Some(text[toks[first].range.start..role_end].to_owned())
}

/// An appositive role after a name: `, executive director of the State
/// Board of Elections,` — a short phrase starting with an article or a
/// lowercase word whose first words hold a title word.
fn apposition_after(text: &str, toks: &[Token], name_end: usize) -> Option<String> {
    let comma = toks.get(name_end + 1)?;
    if &text[comma.range.clone()] != "," {
        return None;
    }
    let start = name_end + 2;
    let mut i = start;
    let mut saw_title = false;
    while let Some(t) = toks.get(i) {
        let w = &text[t.range.clone()];
        if !t.is_word && w != "-" && w != "’" && w != "'" {
            break;
        }
        if i == start && (is_capitalized(w) && !is_title(w) && !in_list(w, &["the", "a", "an"])) {
            return None;
        }
        if i < start + 5 && is_title(w) {
            saw_title = true;
        }
        i += 1;
        if i - start > 14 {
            return None;
        }
    }
    let close = toks.get(i).map(|t| &text[t.range.clone()]);
    if !saw_title || !matches!(close, Some("," | "." | ")" | ";") | None) || i == start {
        return None;
    }
    let mut first = start;
    if in_list(&text[toks[first].range.clone()], &["the", "a", "an"]) {
        first += 1;
    }
    (first < i).then(|| text[toks[first].range.start..toks[i - 1].range.end].to_owned())
}

/// One person while grouping: its name variants and what was learned.
struct Group {
    variants: Vec<Vec<String>>,
    roles: Vec<String>,
    gender: Option<Gender>,
}

impl Group {
    fn surname(&self) -> &str {
        self.variants[0].last().map_or("", String::as_str)
    }

    fn canonical(&self) -> &[String] {
        self.variants
            .iter()
            .max_by_key(|v| v.len())
            .map_or(&[], Vec::as_slice)
    }

    /// Same surname and compatible given names (`Hillary Clinton`, `Clinton`,
    /// `Hillary Rodham Clinton`, but not `Bill Clinton`).
    fn accepts(&self, words: &[String]) -> bool {
        let (Some(last), Some(first)) = (words.last(), words.first()) else {
            return false;
        };
        if last != self.surname() {
            return false;
        }
        let long = self.variants.iter().filter(|v| v.len() > 1);
        words.len() == 1 || long.clone().count() == 0 || long.into_iter().any(|v| v[0] == *first)
    }
}

fn group(candidates: Vec<Candidate>) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for c in candidates {
        let found = groups.iter_mut().find(|g| g.accepts(&c.words));
        let g = match found {
            Some(g) => g,
            None => {
                groups.push(Group {
                    variants: Vec::new(),
                    roles: Vec::new(),
                    gender: None,
                });
                let n = groups.len() - 1;
                &mut groups[n]
            }
        };
        if !g.variants.contains(&c.words) {
            g.variants.push(c.words);
        }
        if let Some(r) = c.role {
            if !g.roles.contains(&r) {
                g.roles.push(r);
            }
        }
        g.gender = g.gender.or(c.gender);
    }
    groups
}

/// Every name mention of the grouped people: full names and variants at
/// any capitalized run, and lone surnames. A surname shared by two people
/// goes to the one whose longer name was mentioned last.
fn collect_mentions(text: &str, paragraphs: &[Vec<Token>], groups: &[Group]) -> Vec<PersonFound> {
    let mut people: Vec<PersonFound> = groups
        .iter()
        .map(|g| PersonFound {
            name: g.canonical().join(" "),
            roles: g.roles.clone(),
            mentions: Vec::new(),
            gender: g.gender,
        })
        .collect();
    let mut by_surname: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut by_first: HashMap<&str, Vec<(usize, &[String])>> = HashMap::new();
    for (i, g) in groups.iter().enumerate() {
        by_surname.entry(g.surname()).or_default().push(i);
        for v in g.variants.iter().filter(|v| v.len() > 1) {
            by_first.entry(v[0].as_str()).or_default().push((i, v));
        }
    }
    let mut last_full: Vec<usize> = vec![0; groups.len()];
    let mut order = 0;
    for toks in paragraphs {
        for run in capitalized_runs(text, toks) {
            let words: Vec<&str> = run
                .iter()
                .filter(|&&i| toks[i].is_word)
                .map(|&i| &text[strip_possessive(text, toks[i].range.clone())])
                .collect();
            let ranges: Vec<Range<usize>> = run
                .iter()
                .filter(|&&i| toks[i].is_word)
                .map(|&i| strip_possessive(text, toks[i].range.clone()))
                .collect();
            let mut k = 0;
            while k < words.len() {
                order += 1;
                let full = by_first.get(words[k]).and_then(|vs| {
                    vs.iter()
                        .filter(|(_, v)| {
                            v.len() <= words.len() - k
                                && v.iter().zip(&words[k..]).all(|(a, b)| a == b)
                        })
                        .max_by_key(|(_, v)| v.len())
                });
                if let Some(&(g, v)) = full {
                    people[g]
                        .mentions
                        .push(ranges[k].start..ranges[k + v.len() - 1].end);
                    last_full[g] = order;
                    k += v.len();
                    continue;
                }
                let owner = by_surname.get(words[k]).and_then(|ids| {
                    ids.iter()
                        .copied()
                        .max_by_key(|&g| (last_full[g], std::cmp::Reverse(g)))
                });
                if let Some(g) = owner {
                    people[g].mentions.push(ranges[k].clone());
                }
                k += 1;
            }
        }
    }
    people
}
