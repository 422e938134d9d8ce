//! Organization names that neither the gazetteer lists nor a head noun
//! marks, found by the word that says what they are: the noun before
//! them (`the advocacy group America's Voice`, `the research firm
//! Morningstar`, `super PAC Priorities USA Action`) or `poll` after them
//! (`a new Latino Decisions poll`, `a Reuters/Ipsos poll`).
//!
//! A name is a run of capitalized words, joined by `of`, `for`, `on`,
//! `the` or `&` before another capitalized word (`Correct the Record`), sentence openers (`The`) dropped from
//! its front. Runs that hold a day, a month, a party's adjective or a
//! demonym (`a Republican poll`, `the group
//! Monday`) are no names, and the caller leaves runs that overlap a known
//! or head-noun name to those, and runs that are a person's mention to the
//! person.

use std::ops::Range;

use crate::gazetteer;
use crate::text::{is_headline_case, Token};

/// A name found, with the kind its cue implies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cued {
    pub range: Range<usize>,
    pub kind: Option<&'static str>,
}

/// The kind of organization a lowercase noun before a name says it is
/// (`Some(None)`: an organization of no one kind).
fn cue_kind(word: &str) -> Option<Option<&'static str>> {
    Some(match word {
        "company" | "firm" | "startup" | "maker" | "manufacturer" | "gunmaker" | "automaker"
        | "retailer" | "pollster" | "bank" | "insurer" | "conglomerate" => Some("company"),
        "newspaper" | "magazine" | "website" | "outlet" | "publication" | "tabloid"
        | "broadcaster" => Some("media"),
        "nonprofit" | "charity" => Some("ngo"),
        "group" | "organization" | "coalition" | "PAC" => None,
        _ => return None,
    })
}

/// Nouns after a name that make it a pollster's.
fn is_poll(word: &str) -> bool {
    matches!(word, "poll" | "polls" | "survey")
}

/// Capitalized words that name no organization when they open or fill a
/// run: a party's adjective, a demonym, a day or a month.
fn names_none(word: &str) -> bool {
    matches!(
        word,
        "Republican" | "Republicans" | "Democratic" | "Democrat" | "Democrats" | "GOP"
    ) || gazetteer::demonym_country(word).is_some()
        || super::is_day_or_month(word)
}

/// A word of two names glued by a hyphen (`Post-ABC`, of `a Washington
/// Post-ABC poll`): a run that holds one is no pollster's name.
fn joins_names(word: &str) -> bool {
    word.split_once('-')
        .is_some_and(|(_, after)| after.starts_with(|c: char| c.is_ascii_uppercase()))
}

fn without_possessive(word: &str) -> &str {
    ["’s", "'s"]
        .iter()
        .find_map(|p| word.strip_suffix(p))
        .unwrap_or(word)
}

/// The cued organization names of the paragraph `text[para]`, whose
/// tokens are given; none in a Headline Case paragraph.
pub fn find(text: &str, para: Range<usize>, tokens: &[Token]) -> Vec<Cued> {
    let mut out = Vec::new();
    if is_headline_case(&text[para]) {
        return out;
    }
    let word = |k: usize| tokens.get(k).map_or("", |t| &text[t.range.clone()]);
    let capitalized = |k: usize| {
        tokens
            .get(k)
            .is_some_and(|t| t.is_word && text.as_bytes()[t.range.start].is_ascii_uppercase())
    };
    // `Exit polls show …`: a capital after no word (or after a `/`, as
    // in `CNN/ORC poll`) opens a sentence.
    let opens_sentence = |k: usize| k == 0 || !(tokens[k - 1].is_word || word(k - 1) == "/");
    let mut i = 0;
    while i < tokens.len() {
        if !capitalized(i) {
            i += 1;
            continue;
        }
        let mut start = i;
        let mut end = i + 1;
        loop {
            if capitalized(end) {
                end += 1;
            } else if matches!(word(end), "of" | "for" | "on" | "the" | "&") && capitalized(end + 1)
            {
                end += 2;
            } else {
                break;
            }
        }
        i = end;
        // `super PAC Priorities USA Action`: the cue is in the run.
        let cue = if word(start) == "PAC" && end > start + 1 {
            start += 1;
            cue_kind("PAC")
        } else if start > 0 && tokens[start - 1].is_word {
            cue_kind(word(start - 1))
        } else {
            None
        };
        let kind = match cue {
            Some(kind) => kind,
            None if is_poll(word(end))
                && !opens_sentence(start)
                && !(start..end).any(|k| joins_names(word(k))) =>
            {
                Some("company")
            }
            None => continue,
        };
        // `The survey`, `In a poll`: sentence openers are no names.
        while start < end && super::org_names::is_leading_noise(word(start)) {
            start += 1;
        }
        let title = (start..end).any(|k| crate::people::is_title(word(k)));
        if start == end
            || title
            || word(start).len() < 2
            || (start..end).any(|k| names_none(word(k)))
        {
            continue;
        }
        // `Gallup’s poll`: the possessive is not the name's.
        let last = &tokens[end - 1].range;
        let last_word = without_possessive(&text[last.clone()]);
        if end - start == 1 && names_none(last_word) {
            continue;
        }
        out.push(Cued {
            range: tokens[start].range.start..last.start + last_word.len(),
            kind,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text;

    fn names(t: &str) -> Vec<(&str, Option<&'static str>)> {
        find(t, 0..t.len(), &text::tokens(t, 0..t.len()))
            .into_iter()
            .map(|c| (&t[c.range], c.kind))
            .collect()
    }

    #[test]
    fn a_noun_before_says_what_a_name_is() {
        assert_eq!(
            names("The survey was done for the advocacy group America's Voice, and the research firm Morningstar agreed."),
            vec![("America's Voice", None), ("Morningstar", Some("company"))]
        );
        assert_eq!(
            names("Meanwhile the super PAC Priorities USA Action bought ads in the state."),
            vec![("Priorities USA Action", None)]
        );
        assert_eq!(
            names("It was the voter group Americans for Prosperity, not the super PAC Correct the Record, that paid."),
            vec![("Americans for Prosperity", None), ("Correct the Record", None)]
        );
    }

    #[test]
    fn a_poll_after_names_its_pollster() {
        assert_eq!(
            names(
                "According to a Reuters/Ipsos poll and a new Latino Decisions poll, it was close."
            ),
            vec![
                ("Ipsos", Some("company")),
                ("Latino Decisions", Some("company"))
            ]
        );
    }

    #[test]
    fn days_parties_demonyms_and_plain_capitals_are_no_names() {
        assert_eq!(
            names("The group Monday said a Republican poll and an American survey of the firm I run were wrong, Smith said."),
            vec![]
        );
        assert_eq!(
            names("Exit polls agree with Monday’s poll, a Washington Post-ABC poll and the group Secretary Clinton’s aides formed."),
            vec![]
        );
        assert_eq!(
            names("It is Gallup’s poll, not the CNN/ORC poll."),
            vec![("Gallup", Some("company")), ("ORC", Some("company"))]
        );
    }
}
