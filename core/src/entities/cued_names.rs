//! Organization names that neither the gazetteer lists nor a head noun
//! marks, found by the word that says what they are: the noun before
//! them (`the advocacy group America's Voice`, `the research firm
//! Morningstar`, `super PAC Priorities USA Action`) or `poll` after them
//! (`a new Latino Decisions poll`, `a Reuters/Ipsos poll`).
//!
//! A name is a run of capitalized words, joined by `of`, `for`, `on`,
//! `the` or `&` before another capitalized word (`Correct the Record`),
//! sentence openers (`The`) dropped from its front. Runs that hold a day,
//! a month, a party's adjective or a demonym (`a Republican poll`, `the
//! group Monday`) are no names. The caller leaves runs that overlap a
//! known or head-noun name to those, and runs that are a person's mention
//! to the person.

use std::ops::Range;
use std::sync::LazyLock;

use memchr::memmem;

use crate::gazetteer;
use crate::text::{is_headline_case, Token};

/// A name found, with the kind its cue implies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cued {
    pub range: Range<usize>,
    pub kind: Option<&'static str>,
    /// Found by the poll after it (a poll may be named for its place:
    /// `a new Iowa poll`).
    pub by_poll: bool,
}

/// The kind of organization a lowercase noun before a name says it is
/// (`Some(None)`: an organization of no one kind; `PAC` as in `super
/// PAC`). A `match` on bytes: it is asked before many capitals.
fn cue_kind(word: &[u8]) -> Option<Option<&'static str>> {
    Some(match word {
        b"company" | b"firm" | b"startup" | b"maker" | b"manufacturer" | b"gunmaker"
        | b"automaker" | b"retailer" | b"pollster" | b"bank" | b"insurer" | b"conglomerate" => {
            Some("company")
        }
        b"newspaper" | b"magazine" | b"website" | b"outlet" | b"publication" | b"broadcaster" => {
            Some("media")
        }
        b"nonprofit" | b"charity" => Some("ngo"),
        b"group" | b"organization" | b"coalition" | b"PAC" => None,
        _ => return None,
    })
}

/// Whether `end`, the last two bytes of a word, may end a cue word of
/// [`cue_kind`]: most words before a capital (`the`, `and`, `said`) do
/// not, and are turned away before the word's start is looked for.
fn may_end_cue(end: &[u8]) -> bool {
    matches!(
        end,
        b"ny"
            | b"ty"
            | b"rm"
            | b"up"
            | b"er"
            | b"nk"
            | b"ne"
            | b"te"
            | b"et"
            | b"it"
            | b"on"
            | b"AC"
    )
}

/// Nouns after a name that make it a pollster's.
fn is_poll(word: &[u8]) -> bool {
    matches!(word, b"poll" | b"polls" | b"survey")
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

/// Finders of the poll words (`polls` holds `poll`), built once.
static POLL_FINDERS: LazyLock<[memmem::Finder<'static>; 2]> =
    LazyLock::new(|| [memmem::Finder::new("poll"), memmem::Finder::new("survey")]);

/// Where `poll`, `polls` or `survey` may stand in `text`, in text order:
/// one vector search of the article for each (a search per paragraph
/// paid its set-up thousands of times); [`find`] keeps those that are
/// words.
pub fn poll_words(text: &str) -> Vec<usize> {
    let mut at = Vec::new();
    for finder in POLL_FINDERS.iter() {
        at.extend(finder.find_iter(text.as_bytes()));
    }
    at.sort_unstable();
    at
}

/// The cued organization names of the paragraph `text[para]`, whose
/// tokens, [`capitals`](crate::gazetteer::capitals) (offsets in the
/// paragraph) and [`poll_words`] are given; none in a Headline Case
/// paragraph (asked only when a name is found: most paragraphs have
/// none). A cue word is looked for only before a capital that follows a
/// space, and no token is looked at unless a cue is there.
pub fn find(
    text: &str,
    para: Range<usize>,
    tokens: &[Token],
    capitals: &[usize],
    polls: &[usize],
) -> Vec<Cued> {
    let runs = Runs { text, tokens };
    let p = &text.as_bytes()[para.clone()];
    // The token that starts at byte `at` of the text, if one does.
    let token_at = |at: usize| {
        let k = tokens.partition_point(|t| t.range.start < at);
        tokens
            .get(k)
            .is_some_and(|t| t.range.start == at)
            .then_some(k)
    };
    let mut found = Vec::new();
    for &c in capitals {
        let Some(kind) = cue_before(p, c) else {
            continue;
        };
        let Some(k) = token_at(para.start + c) else {
            continue;
        };
        // `PAC` cues only as `super PAC`, not inside a name.
        let inside = k >= 2 && runs.raw(k - 1) == b"PAC" && runs.capitalized(k - 2);
        if inside {
            continue;
        }
        found.extend(runs.name(runs.from(k)).map(|range| Cued {
            range,
            kind,
            by_poll: false,
        }));
    }
    for &at in polls {
        let Some(k) = token_at(at).filter(|&k| is_poll(runs.raw(k))) else {
            continue;
        };
        let run = runs.before(k);
        let pollster = !run.is_empty()
            && !runs.opens_sentence(run.start)
            && !run.clone().any(|j| joins_names(runs.word(j)));
        if pollster {
            found.extend(runs.name(run).map(|range| Cued {
                range,
                kind: Some("company"),
                by_poll: true,
            }));
        }
    }
    if found.is_empty() || is_headline_case(&text[para]) {
        return Vec::new();
    }
    // In text order, a name cued both ways once, with its cue's kind.
    found.sort_by_key(|c| c.range.start);
    found.dedup_by(|later, first| later.range == first.range);
    found
}

/// The kind of organization the word before the capital at byte `c` of
/// `p` says, if a space is between them and the word is a cue.
fn cue_before(p: &[u8], c: usize) -> Option<Option<&'static str>> {
    // A space, or a no-break space (`C2 A0`) as some papers set one.
    let end = match p[..c] {
        [.., b' '] => c - 1,
        [.., 0xC2, 0xA0] => c - 2,
        _ => return None,
    };
    if !may_end_cue(&p[end.saturating_sub(2)..end]) {
        return None;
    }
    // Cue words are at most twelve bytes long. A loop, not `memrchr`:
    // its set-up costs more than a dozen bytes.
    let from = end.saturating_sub(13);
    let start = p[from..end]
        .iter()
        .rposition(|&b| b == b' ' || b == 0xA0)
        .map_or(from, |i| from + i + 1);
    if start == from && from > 0 {
        return None;
    }
    cue_kind(&p[start..end])
}

/// Runs of capitalized words in a paragraph's tokens.
struct Runs<'a> {
    text: &'a str,
    tokens: &'a [Token],
}

impl Runs<'_> {
    /// Token `k`'s bytes: the scan's tests compare bytes, which a `str`
    /// slice would first check for character boundaries.
    fn raw(&self, k: usize) -> &[u8] {
        self.tokens
            .get(k)
            .map_or(&[][..], |t| &self.text.as_bytes()[t.range.clone()])
    }

    fn word(&self, k: usize) -> &str {
        self.tokens
            .get(k)
            .map_or("", |t| &self.text[t.range.clone()])
    }

    fn capitalized(&self, k: usize) -> bool {
        self.tokens
            .get(k)
            .is_some_and(|t| t.is_word && self.text.as_bytes()[t.range.start].is_ascii_uppercase())
    }

    fn connector(&self, k: usize) -> bool {
        matches!(self.raw(k), b"of" | b"for" | b"on" | b"the" | b"&")
    }

    /// The run of capitalized words that opens at token `start`, a
    /// capitalized word: capitalized words, and `of`, `for`, `on`, `the`
    /// or `&` before another.
    fn from(&self, start: usize) -> Range<usize> {
        let mut end = start + 1;
        loop {
            if self.capitalized(end) {
                end += 1;
            } else if self.connector(end) && self.capitalized(end + 1) {
                end += 2;
            } else {
                break;
            }
        }
        start..end
    }

    /// The run of capitalized words that ends right before token `k`.
    fn before(&self, k: usize) -> Range<usize> {
        let mut start = k;
        loop {
            if start >= 1 && self.capitalized(start - 1) {
                start -= 1;
            } else if start >= 2 && self.connector(start - 1) && self.capitalized(start - 2) {
                start -= 2;
            } else {
                break;
            }
        }
        start..k
    }

    /// `Exit polls show …`: a capital after no word (or after a `/`, as
    /// in `CNN/ORC poll`) opens a sentence.
    fn opens_sentence(&self, k: usize) -> bool {
        k == 0 || !(self.tokens[k - 1].is_word || self.raw(k - 1) == b"/")
    }

    /// The byte range of the name in the run `run`: sentence openers
    /// dropped from its front (`The survey`), a possessive from its end
    /// (`Gallup’s poll`); none if a word is a title, a day, a month, a
    /// party's adjective or a demonym, or if it opens with one letter.
    fn name(&self, mut run: Range<usize>) -> Option<Range<usize>> {
        while !run.is_empty() && super::org_names::is_leading_noise(self.word(run.start)) {
            run.start += 1;
        }
        let rejected = run.clone().any(|k| {
            let w = self.word(k);
            crate::people::is_title(w) || names_none(w)
        });
        if run.is_empty() || rejected || self.word(run.start).len() < 2 {
            return None;
        }
        let last =
            crate::people::strip_possessive(self.text, self.tokens[run.end - 1].range.clone());
        if run.len() == 1 && names_none(&self.text[last.clone()]) {
            return None;
        }
        Some(self.tokens[run.start].range.start..last.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text;

    fn names(t: &str) -> Vec<(&str, Option<&'static str>)> {
        let capitals: Vec<usize> = crate::gazetteer::capitals(t).collect();
        find(
            t,
            0..t.len(),
            &text::tokens(t, 0..t.len()),
            &capitals,
            &poll_words(t),
        )
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
    fn every_cue_word_may_end_a_cue() {
        for word in [
            "automaker",
            "bank",
            "broadcaster",
            "charity",
            "coalition",
            "company",
            "conglomerate",
            "firm",
            "group",
            "gunmaker",
            "insurer",
            "magazine",
            "maker",
            "manufacturer",
            "newspaper",
            "nonprofit",
            "organization",
            "outlet",
            "PAC",
            "pollster",
            "publication",
            "retailer",
            "startup",
            "website",
        ] {
            assert!(cue_kind(word.as_bytes()).is_some(), "{word}");
            assert!(may_end_cue(&word.as_bytes()[word.len() - 2..]), "{word}");
        }
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
