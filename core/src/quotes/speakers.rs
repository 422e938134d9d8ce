//! Speaker resolution: from the mention a quote is attributed to (`he`,
//! `Shmyhal`, `Ukrainian Prime Minister Denys Shmyhal`, `state news agency
//! Ukrinform`) to a name and a role.

use std::ops::Range;

use crate::people::{is_title, Gender, PersonFound};

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
    pub fn new(text: &'a str, people: &'a [PersonFound], quoted: &[Range<usize>]) -> Self {
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
        let mut quotes = quoted.iter().peekable();
        mentions.retain(|&(start, end, _)| {
            while quotes.next_if(|q| q.end <= start).is_some() {}
            quotes
                .peek()
                .is_none_or(|q| !(q.start <= start && end <= q.end))
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
            .unwrap_or_else(|| unnamed(self.text, mention))
    }

    /// The last person mentioned before `at` whose gender fits.
    fn pronoun(&self, at: usize, gender: Gender) -> Option<Resolved> {
        let n = self.mentions.partition_point(|m| m.0 < at);
        let person = self.mentions[..n]
            .iter()
            .rev()
            .take(PRONOUN_LOOKBACK)
            .map(|m| &self.people[m.2])
            .find(|p| p.gender.map_or(true, |g| g == gender))?;
        Some(Resolved {
            name: person.name.clone(),
            role: person.roles.first().cloned(),
        })
    }

    /// The person named inside the mention, with the role the mention
    /// gives (`Ukrainian Prime Minister` before the name, `the president of
    /// X` after it) or else the first role the article gave.
    fn named(&self, mention: &Range<usize>) -> Option<Resolved> {
        let n = self.mentions.partition_point(|m| m.0 < mention.start);
        let &(start, end, i) = self.mentions[n..]
            .iter()
            .take_while(|m| m.1 <= mention.end)
            .last()?;
        let person = &self.people[i];
        let before = self.text[mention.start..start].trim();
        let after = self.text[end..mention.end]
            .trim_start_matches([',', ' '])
            .trim_end_matches([',', ' ']);
        let after = after
            .strip_prefix("the ")
            .or_else(|| after.strip_prefix("a "))
            .unwrap_or(after);
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

/// Whether a word opens with a capital letter (`News`, `NBC`, `Élysée`).
fn starts_upper(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// A speaker that is not a known person: an organization (`state news
/// agency Ukrinform` → `Ukrinform`, role `state news agency`) or a noun
/// phrase (`a campaign spokesman`) kept as written.
fn unnamed(text: &str, mention: &Range<usize>) -> Resolved {
    let words = text[mention.clone()].trim();
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
