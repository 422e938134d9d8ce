//! Speaker resolution: from the mention a quote is attributed to (`he`,
//! `Shmyhal`, `Ukrainian Prime Minister Denys Shmyhal`, `state news agency
//! Ukrinform`) to a name and a role.

use std::ops::Range;

use crate::people::{is_title, Gender, PersonFound, RELATIVE};
use crate::text::{ceil_char_boundary, floor_char_boundary, sentence_start};
use crate::words::WordList;

use super::grammar::PREPOSITIONS;
use super::marks::Quoted;

/// How far back a pronoun looks for a compatible person, in mentions.
const PRONOUN_LOOKBACK: usize = 64;

/// A resolved speaker, in bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub name: String,
    pub role: Option<String>,
}

/// Resolves mentions against the people of one article.
pub struct Resolver<'a> {
    text: &'a str,
    people: &'a [PersonFound],
    /// Every person mention outside the quotations as (start, end, person
    /// index), by start.
    mentions: Vec<(usize, usize, usize)>,
}

impl<'a> Resolver<'a> {
    /// `quoted`: the article's quotations, by start. A person named inside
    /// one is spoken of, not speaking: in `"No thanks to Nathan Deal," he
    /// added`, `he` is the speaker before, not Deal, so such mentions are
    /// left out (a speaker mention is never inside a quotation itself).
    pub fn new(text: &'a str, people: &'a [PersonFound], quoted: &[Quoted]) -> Self {
        // Counted first: collected from a `flat_map`, whose length is not
        // known, the vector would grow (and be copied) several times.
        let count = people.iter().map(|p| p.mentions.len()).sum();
        let mut mentions: Vec<(usize, usize, usize)> = Vec::with_capacity(count);
        mentions.extend(
            people
                .iter()
                .enumerate()
                .flat_map(|(i, p)| p.mentions.iter().map(move |m| (m.start, m.end, i))),
        );
        mentions.sort_unstable();
        let mut quotes = quoted.iter().map(|q| &q.range).peekable();
        mentions.retain(|&(start, end, _)| {
            while quotes.next_if(|q| q.end <= start).is_some() {}
            quotes
                .peek()
                .map_or(true, |q| !(q.start <= start && end <= q.end))
        });
        Self {
            text,
            people,
            mentions,
        }
    }

    pub fn resolve(&self, mention: &Range<usize>) -> Resolved {
        let words = &self.text[mention.clone()];
        // No letter but `H`, `E` and `S` lowercases to `h`, `e` and `s`, so
        // ASCII case folding is `to_lowercase` here, without a `String`.
        let gender = if words.eq_ignore_ascii_case("he") {
            Some(Gender::Male)
        } else if words.eq_ignore_ascii_case("she") {
            Some(Gender::Female)
        } else {
            None
        };
        if let Some(g) = gender {
            return self.pronoun(mention.start, g).unwrap_or_else(|| Resolved {
                name: words.to_owned(),
                role: None,
            });
        }
        self.named(mention)
            .or_else(|| self.described(mention))
            .unwrap_or_else(|| unnamed(self.text, mention))
    }

    /// The person a definite description stands for: `the Florida senator`
    /// is the person named last before it (outside quotations), when that
    /// person's roles hold its head word (`senator` matches `Sen.`,
    /// `governor` `Gov.`) and its capitalized words (`Florida`). A
    /// description that fits no one there stands as it is: the last named
    /// is often someone else (`… with Sen. Joni Ernst, R-Iowa. The Florida
    /// senator told reporters …` is Marco Rubio, whose role the article
    /// never gave). The description is kept as the role.
    fn described(&self, mention: &Range<usize>) -> Option<Resolved> {
        let words = self.text[mention.clone()].trim();
        let rest = words
            .strip_prefix("the ")
            .or_else(|| words.strip_prefix("The "))?;
        let head = rest.split_whitespace().next_back()?;
        if rest.contains(',') || !is_title(head) {
            return None;
        }
        let n = self.mentions.partition_point(|m| m.0 < mention.start);
        let last = self.mentions[..n].last()?;
        let person = &self.people[last.2];
        let role_words = || person.roles.iter().flat_map(|r| r.split_whitespace());
        let head = office(head);
        let fits = role_words().any(|w| office(w).eq_ignore_ascii_case(head))
            && rest
                .split_whitespace()
                .filter(|w| starts_upper(w))
                .all(|modifier| role_words().any(|w| w == modifier));
        fits.then(|| Resolved {
            name: person.name.clone(),
            role: Some(rest.to_owned()),
        })
    }

    /// The person a pronoun at `at` stands for, among those whose gender
    /// fits, in the last sentence before `at` that names one: its
    /// subject, the one the next sentence goes on about (`David Axelrod, a
    /// longtime adviser to Barack Obama, …. “…,” he said` is Axelrod),
    /// where the last named is often an object. That is the inverted
    /// subject of `said NAME`, else the first named who speaks there
    /// (`Kunin said`), else the first named who can be a subject (not
    /// after a preposition, not a possessive, not in an opening phrase),
    /// else the last named.
    fn pronoun(&self, at: usize, gender: Gender) -> Option<Resolved> {
        let n = self.mentions.partition_point(|m| m.0 < at);
        let fits =
            |m: &&(usize, usize, usize)| self.people[m.2].gender.map_or(true, |g| g == gender);
        let recent = &self.mentions[n.saturating_sub(PRONOUN_LOOKBACK)..n];
        let last = recent.iter().rev().find(fits)?;
        let sentence = sentence_start(self.text, last.0, SENTENCE_WINDOW).unwrap_or(last.0);
        let in_sentence = &recent[recent.partition_point(|m| m.0 < sentence)..];
        let chosen = if self.after_speech_verb(last.0) {
            // `…,” said Jeffery Hemsley, a professor`: the subject comes last.
            last
        } else {
            let subjects = in_sentence.iter().enumerate().filter_map(|(k, m)| {
                (fits(&m)
                    && !self.modifies(m, in_sentence.get(k + 1))
                    && !in_opening_phrase(&self.text[sentence..m.0]))
                .then_some(m)
            });
            // A subject that speaks (`Trump, Sexton said, has …`) first.
            subjects
                .clone()
                .find(|m| self.before_speech_verb(m.1))
                .or_else(|| subjects.clone().next())
                .unwrap_or(last)
        };
        let person = &self.people[chosen.2];
        Some(Resolved {
            name: person.name.clone(),
            role: person.roles.first().cloned(),
        })
    }

    /// Whether the mention at `start` follows a speech verb, as the
    /// subject of an inverted attribution (`said Jeffery Hemsley`).
    fn after_speech_verb(&self, start: usize) -> bool {
        INVERTED_SPEECH.contains_exact(word_before(self.text, start))
    }

    /// Whether the mention ending at `end` is followed by a speech verb
    /// (`Sexton said`, `Kunin says`).
    fn before_speech_verb(&self, end: usize) -> bool {
        SPEECH_AFTER_SUBJECT.contains_exact(word_after(self.text, end).trim_end_matches([',', '.']))
    }

    /// Whether a mention is not a subject: after an article (`the Trump
    /// campaign`) or a preposition (`adviser to Barack Obama`, `told
    /// Hannity`), a possessive (`Trump's calling`), or one lowercase word
    /// before the next name (`McConnell spokesman Don Stewart`).
    fn modifies(&self, m: &(usize, usize, usize), next: Option<&(usize, usize, usize)>) -> bool {
        let before = word_before(self.text, m.0);
        if PREPOSITIONS.contains(before)
            || NOT_BEFORE_A_SUBJECT.contains(before)
            || self.text[m.1..].starts_with(['\'', '’'])
        {
            return true;
        }
        next.is_some_and(|n| {
            // Two people's mentions may overlap: nothing stands between.
            let mut between = self.text.get(m.1..n.0).unwrap_or("").split_whitespace();
            between.next().is_some_and(|w| {
                w.bytes().all(|b| b.is_ascii_lowercase())
                    && !matches!(w, "and" | "or" | "said" | "says")
            }) && between.next().is_none()
        })
    }

    /// The person named inside the mention, with the role the mention
    /// gives (`Ukrainian Prime Minister` before the name, `the president of
    /// X` after it) or else the first role the article gave.
    fn named(&self, mention: &Range<usize>) -> Option<Resolved> {
        let n = self.mentions.partition_point(|m| m.0 < mention.start);
        // The last person named in the mention who is not the possessor of
        // the one who speaks (`Tad Devine, Sanders's chief strategist` is
        // Devine; `Donald Trump's eldest daughter` names no one found).
        let &(start, end, i) = self.mentions[n..]
            .iter()
            .take_while(|m| m.1 <= mention.end)
            .filter(|m| !possesses_speaker(&self.text[m.1..mention.end]))
            .last()?;
        let person = &self.people[i];
        let before = self.text[mention.start..start].trim();
        let after = self.text[end..mention.end]
            .trim_start_matches([',', ' '])
            .trim_end_matches([',', ' ']);
        let after = without_article(after);
        let role = [before, after]
            .into_iter()
            .find(|r| r.split_whitespace().any(is_title))
            .map(str::to_owned)
            .or_else(|| person.roles.first().cloned());
        Some(Resolved {
            name: person.name.clone(),
            role,
        })
    }
}

/// Whether `rest`, the words of a speaker mention after a person's name,
/// make that person the possessor of the speaker: a possessive, then a
/// noun phrase up to the next comma whose head (last word) is a title,
/// kin or a body that speaks for them (`’s deputy campaign manager`, `'s
/// eldest daughter`, `’s office`). Not when the head is what the person
/// said or wrote (`’s campaign slogan`, `’s memoir`): those words are the
/// person's.
fn possesses_speaker(rest: &str) -> bool {
    let Some(after) = rest.strip_prefix("’s").or_else(|| rest.strip_prefix("'s")) else {
        return false;
    };
    let phrase = after.split(',').next().unwrap_or("");
    phrase
        .split_whitespace()
        .next_back()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .is_some_and(|head| is_title(head) || SPEAKS_FOR.contains(head))
}

/// The office a title word names, its abbreviation spelled out, to be
/// compared ignoring ASCII case: `Sen.` and `senator` are both `senator`.
fn office(word: &str) -> &str {
    const SPELLED_OUT: [(&str, &str); 7] = [
        ("sen", "senator"),
        ("gov", "governor"),
        ("rep", "representative"),
        ("pres", "president"),
        ("gen", "general"),
        ("adm", "admiral"),
        ("supt", "superintendent"),
    ];
    let w = word.trim_end_matches('.');
    SPELLED_OUT
        .iter()
        .find(|(abbreviation, _)| w.eq_ignore_ascii_case(abbreviation))
        .map_or(w, |&(_, full)| full)
}

/// Nouns of people or bodies that speak for the one whose they are,
/// besides the titles: `Clinton's campaign`, `Trump's daughter`.
const SPEAKS_FOR: WordList = WordList::new(&[
    "attorneys",
    "brother",
    "campaign",
    "daughter",
    "father",
    "husband",
    "lawyers",
    "mother",
    "office",
    "sister",
    "son",
    "spokespeople",
    "staff",
    "team",
    "wife",
]);

/// Words that a sentence's subject does not follow, besides the
/// prepositions the grammar knows: articles, more prepositions, and a
/// verb that takes its listener as object (`told Hannity`).
const NOT_BEFORE_A_SUBJECT: WordList = WordList::new(&[
    "a", "among", "an", "between", "the", "through", "told", "toward", "without",
]);

/// Words that open a phrase before a sentence's subject.
const OPENING: WordList = WordList::new(&[
    "about", "after", "against", "as", "asked", "at", "before", "despite", "during", "for", "from",
    "in", "like", "of", "on", "unlike", "when", "while", "with",
]);

/// Speech verbs before an inverted subject (`said Jeffery Hemsley`).
const INVERTED_SPEECH: WordList = WordList::new(&["added", "asked", "said", "says", "wrote"]);

/// Speech verbs right after their subject (`Sexton said`).
const SPEECH_AFTER_SUBJECT: WordList =
    WordList::new(&["added", "argued", "noted", "said", "says", "told", "wrote"]);

/// Whether a mention after `head` (the sentence up to it) stands in an
/// opening phrase, before the subject: `In describing fellow billionaire
/// Donald Trump, Cuban said …`, `Asked about Trump, she …`.
fn in_opening_phrase(head: &str) -> bool {
    let first = head.split_whitespace().next().unwrap_or("");
    let opens = OPENING.contains(first) || first.ends_with("ing");
    opens && !head.contains(',')
}

/// How far words and sentences are looked for, in bytes: every quote
/// with a pronoun asks, so each look must be short whatever the text.
const WORD_WINDOW: usize = 64;
const SENTENCE_WINDOW: usize = 1_000;

/// The word that ends right before byte `at` (white space skipped).
fn word_before(text: &str, at: usize) -> &str {
    let from = ceil_char_boundary(text, at.saturating_sub(WORD_WINDOW));
    let before = text[from..at].trim_end();
    &before[before.rfind(' ').map_or(0, |i| i + 1)..]
}

/// The word that starts right after byte `at` (white space skipped).
fn word_after(text: &str, at: usize) -> &str {
    let to = floor_char_boundary(text, at + WORD_WINDOW);
    text[at..to].split_whitespace().next().unwrap_or("")
}

/// Whether a word opens with a capital letter (`News`, `NBC`, `Élysée`).
fn starts_upper(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// `role` without the article that opens it: `the Vermont senator`,
/// `a spokesman`, `an adviser` give the role as a title would.
fn without_article(role: &str) -> &str {
    ["the ", "a ", "an "]
        .iter()
        .find_map(|article| role.strip_prefix(article))
        .unwrap_or(role)
}

/// A speaker that is not a known person: an organization (`state news
/// agency Ukrinform` → `Ukrinform`, role `state news agency`) or a noun
/// phrase (`a campaign spokesman`) kept as written.
fn unnamed(text: &str, mention: &Range<usize>) -> Resolved {
    let words = text[mention.clone()].trim();
    // `Tad Devine, Sanders's chief strategist`: a name, then its role;
    // `Butz, 49` and `Valdez Anderson, who works at …` give no role.
    if let Some((name, apposition)) = words.split_once(", ") {
        if name.split_whitespace().all(starts_upper) {
            let role = without_article(apposition.trim_end_matches(','));
            let clause = role
                .split_whitespace()
                .next()
                .is_some_and(|w| RELATIVE.contains(w));
            let is_role = !clause && role.chars().any(char::is_alphabetic);
            return Resolved {
                name: name.to_owned(),
                role: is_role.then(|| role.to_owned()),
            };
        }
    }
    // The name is the words from the first capital on: a word in capitals
    // (`NBC` in `NBC News`, `RIA` in `agency RIA Novosti`) is part of the
    // name, not a role before it.
    let split = words
        .split_whitespace()
        .position(starts_upper)
        .filter(|&k| k > 0 && words.split_whitespace().skip(k).all(starts_upper));
    match split {
        Some(k) => {
            let parts: Vec<&str> = words.split_whitespace().collect();
            let role = match parts[0].to_lowercase().as_str() {
                "the" | "a" | "an" => &parts[1..k],
                _ => &parts[..k],
            };
            Resolved {
                name: parts[k..].join(" "),
                role: (!role.is_empty()).then(|| role.join(" ")),
            }
        }
        None => Resolved {
            name: words.to_owned(),
            role: None,
        },
    }
}
