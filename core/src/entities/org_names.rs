//! Organization names that no gazetteer lists, found by their head noun:
//! `Defense Ministry`, `Ministry of Defense`, `State Board of Elections`,
//! `Republican Jewish Coalition`, `Fox Business Network`.
//!
//! A paragraph is cut into runs of capitalized words (joined by `of`,
//! `for`, `on`, `the`, `&`); a run that holds a head noun (Ministry,
//! Agency, Party, Committee, University, Inc …) yields one name: the words
//! before the head, the head, and an `of …` complement, stopping at a role
//! (`Department of Homeland Security Secretary Jeh Johnson` →
//! `Department of Homeland Security`). Leading function words (`The`,
//! `After`, sentence-initial capitals) are dropped, and a head alone
//! (`Council voted`) is not a name. The scan is linear in the paragraph.
//!
//! A run without a head noun names a firm when capitalized words stand
//! on both sides of a `&` (`Sadis & Goldberg`).

use std::ops::Range;
use std::sync::LazyLock;

use crate::gazetteer::WordMatcher;
use crate::text::{self, is_alphanumeric, is_headline_case};

/// An organization name found in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgName {
    pub range: Range<usize>,
    /// The name with white space normalized.
    pub name: String,
    pub kind: Option<&'static str>,
}

/// Head nouns of organization names and the kind they imply, sorted, so
/// that the heads with one first byte are together (see
/// [`HEADS_BY_FIRST_BYTE`]).
const HEADS: &[(&str, Option<&str>)] = &[
    ("Academy", Some("education")),
    ("Administration", Some("government")),
    ("Agency", Some("government")),
    ("Alliance", None),
    ("Army", Some("military")),
    ("Association", Some("ngo")),
    ("Authority", Some("government")),
    ("Bank", Some("company")),
    ("Board", None),
    ("Brigade", Some("military")),
    ("Bureau", Some("government")),
    ("Capital", Some("company")),
    ("Center", None),
    ("Centre", None),
    ("Chamber", None),
    ("Coalition", None),
    ("College", Some("education")),
    ("Commission", Some("government")),
    ("Committee", None),
    ("Company", Some("company")),
    ("Corp.", Some("company")),
    ("Corporation", Some("company")),
    ("Council", None),
    ("Court", Some("government")),
    ("Department", Some("government")),
    ("Federation", None),
    ("Forces", Some("military")),
    ("Foundation", Some("ngo")),
    ("Fund", None),
    ("Gazette", Some("media")),
    ("Group", None),
    ("Herald", Some("media")),
    ("Holdings", Some("company")),
    ("Hospital", None),
    ("Inc.", Some("company")),
    ("Institute", None),
    ("Institution", None),
    ("Journal", Some("media")),
    ("LLC", Some("company")),
    ("Ltd.", Some("company")),
    ("Management", Some("company")),
    ("Media", Some("media")),
    ("Ministry", Some("government")),
    ("Navy", Some("military")),
    ("Network", None),
    ("News", Some("media")),
    ("Office", Some("government")),
    ("Organisation", None),
    ("Organization", None),
    ("Parliament", Some("government")),
    ("Partners", Some("company")),
    ("Party", Some("political_party")),
    ("Pharmaceuticals", Some("company")),
    ("Police", Some("government")),
    ("Review", Some("media")),
    ("School", Some("education")),
    ("Sentinel", Some("media")),
    ("Service", Some("government")),
    ("Services", None),
    ("Times", Some("media")),
    ("Tribune", Some("media")),
    ("Union", None),
    ("University", Some("education")),
];

/// Words that may join capitalized words inside a name. This and the
/// word sets below are `match`es, which tell a word by its length and
/// bytes, not passes over a list comparing it with each.
fn is_connector(word: &str) -> bool {
    matches!(word, "of" | "for" | "on" | "the" | "and" | "&")
}

/// Capitalized words that open sentences or qualify a name without being
/// part of it; dropped from the front of a run.
pub(super) fn is_leading_noise(word: &str) -> bool {
    matches!(
        word,
        "A" | "About"
            | "According"
            | "After"
            | "Also"
            | "An"
            | "And"
            | "As"
            | "At"
            | "Before"
            | "Both"
            | "But"
            | "By"
            | "During"
            | "Each"
            | "Even"
            | "Every"
            | "Former"
            | "From"
            | "However"
            | "If"
            | "In"
            | "Its"
            | "His"
            | "Her"
            | "Many"
            | "Meanwhile"
            | "Now"
            | "On"
            | "Or"
            | "Our"
            | "Several"
            | "Since"
            | "Some"
            | "Than"
            | "That"
            | "The"
            | "Their"
            | "Then"
            | "These"
            | "This"
            | "Those"
            | "Under"
            | "When"
            | "While"
            | "With"
            | "Yesterday"
            | "Today"
    )
}

/// Roles that end an `of …` complement: what follows is a person.
fn is_role(word: &str) -> bool {
    matches!(
        word,
        "Adviser"
            | "Advisor"
            | "Ambassador"
            | "Chair"
            | "Chairman"
            | "Chairwoman"
            | "Chief"
            | "Commissioner"
            | "Director"
            | "Governor"
            | "Head"
            | "Leader"
            | "Member"
            | "Minister"
            | "Official"
            | "President"
            | "Secretary"
            | "Spokesman"
            | "Spokesperson"
            | "Spokeswoman"
            | "Spokesmen"
    )
}

#[derive(Debug)]
struct Token<'a> {
    range: Range<usize>,
    text: &'a str,
    /// Punctuation before the word: it cannot continue a name.
    breaks_before: bool,
    /// Punctuation or a possessive after the word: a name ends here.
    breaks_after: bool,
}

impl Token<'_> {
    fn is_capitalized(&self) -> bool {
        self.text.chars().next().is_some_and(char::is_uppercase)
    }
}

/// Finds any head noun, so that paragraphs without one (most of them)
/// skip tokenization.
static ANY_HEAD: LazyLock<WordMatcher> = LazyLock::new(|| {
    let heads: Vec<&str> = HEADS.iter().map(|(h, _)| h.trim_end_matches('.')).collect();
    WordMatcher::new(&heads)
});

/// The organization names in `text[para]`, whose
/// [`capitals`](crate::gazetteer::capitals) and [`text::tokens`] are
/// given; none in a Headline Case paragraph, where every word is
/// capitalized.
pub fn find(
    text: &str,
    para: Range<usize>,
    capitals: &[usize],
    tokens: &[text::Token],
) -> Vec<OrgName> {
    let may_name = text.get(para.clone()).is_some_and(|p| {
        (ANY_HEAD.is_match(p, capitals)
            || memchr::memchr(b'&', p.as_bytes()).is_some() && p.contains(" & "))
            && !is_headline_case(p)
    });
    if !may_name {
        return Vec::new();
    }
    let mut names = Vec::new();
    for_each_run(text, tokens, |run| {
        names.extend(names_in_run(text, run));
    });
    names
}

/// The word `text[raw]` with its surrounding punctuation peeled off, if
/// anything is left.
fn peel(text: &str, raw: Range<usize>) -> Option<Token<'_>> {
    let raw_text = &text[raw.clone()];
    let lead = leading_punctuation(raw_text);
    let (core_len, breaks_after) = core_length(&raw_text[lead..]);
    let start = raw.start + lead;
    (core_len > 0).then(|| Token {
        range: start..start + core_len,
        text: &text[start..start + core_len],
        breaks_before: lead > 0,
        breaks_after,
    })
}

/// The byte ranges of the words of a paragraph as `split_whitespace` has
/// them, but cut after a slash, from its tokens: the tokenizer skips white
/// space and nothing else, so a word is a run of tokens with nothing
/// between them. Cheaper than decoding the paragraph's characters again.
fn words<'a>(text: &'a str, tokens: &'a [text::Token]) -> impl Iterator<Item = Range<usize>> + 'a {
    let text_is_slash = |t: &text::Token| !t.is_word && text.as_bytes()[t.range.start] == b'/';
    let mut rest = tokens;
    std::iter::from_fn(move || {
        let (first, after) = rest.split_first()?;
        let mut word = first.range.clone();
        // `ABC News/Washington Post` names two outlets: the `/` ends the
        // first word, as punctuation that breaks a name.
        let mut slash = text_is_slash(first);
        let glued = after
            .iter()
            .take_while(|t| {
                let glued = !slash && t.range.start == word.end;
                if glued {
                    word.end = t.range.end;
                    slash = text_is_slash(t);
                }
                glued
            })
            .count();
        rest = &after[glued..];
        Some(word)
    })
}

/// The length of the punctuation before a word (`“` in `“Party`).
fn leading_punctuation(raw: &str) -> usize {
    // Most words open with a letter or digit: nothing to decode.
    if raw.as_bytes()[0].is_ascii_alphanumeric() {
        return 0;
    }
    raw.len()
        - raw
            .trim_start_matches(|c: char| !is_alphanumeric(c) && c != '&')
            .len()
}

/// The length of a word without trailing punctuation or possessive, and
/// whether anything was cut. A period stays on abbreviations (`Inc.`,
/// `U.S.`).
fn core_length(word: &str) -> (usize, bool) {
    // Most words end with a letter or digit that no possessive ends with:
    // nothing to cut.
    if word
        .as_bytes()
        .last()
        .is_some_and(|&b| b.is_ascii_alphanumeric() && b != b's')
    {
        return (word.len(), false);
    }
    let mut core = word.trim_end_matches(|c: char| !is_alphanumeric(c) && c != '.' && c != '&');
    for possessive in ["'s", "’s", "'", "’"] {
        if let Some(c) = core.strip_suffix(possessive) {
            core = c;
            break;
        }
    }
    if let Some(stem) = core.strip_suffix('.') {
        let abbreviation = stem.contains('.') || head_kind(core).is_some();
        if !abbreviation {
            core = stem.trim_end_matches('.');
        }
    }
    (core.len(), core.len() < word.len())
}

/// Calls `found` with each run of the words of a paragraph of `text`,
/// whose [`text::tokens`] are given: capitalized words joined by
/// connectors, in order. Only the words of the run being read are kept,
/// not every word of the paragraph: most are lowercase, outside any run.
///
/// Outside a run, a word that opens with a small letter or a digit (most
/// words) neither opens one nor joins anything, whatever its
/// punctuation: it is passed over without being peeled. (What the
/// punctuation after it tells, `breaks_after`, is asked only in a run.)
fn for_each_run<'a>(text: &'a str, tokens: &[text::Token], mut found: impl FnMut(&[Token<'a>])) {
    // The run being read, from its first capitalized word to the last
    // word read (`last_cap` indexes its last capitalized one); empty when
    // no run is open.
    let mut run: Vec<Token> = Vec::new();
    let mut last_cap = 0;
    // No word before the first: it joins nothing.
    let mut breaks_after = true;
    for raw in words(text, tokens) {
        let first = text.as_bytes()[raw.start];
        if run.is_empty() && (first.is_ascii_lowercase() || first.is_ascii_digit()) {
            continue;
        }
        let Some(t) = peel(text, raw) else {
            // Punctuation alone (`--`, `—`) joins nothing.
            breaks_after = true;
            continue;
        };
        let joinable = !breaks_after && !t.breaks_before;
        breaks_after = t.breaks_after;
        if t.is_capitalized() {
            if !run.is_empty() && !joinable {
                found(&run[..=last_cap]);
                run.clear();
            }
            last_cap = run.len();
            run.push(t);
        } else if !run.is_empty() {
            if joinable && is_connector(t.text) {
                run.push(t);
            } else {
                found(&run[..=last_cap]);
                run.clear();
            }
        }
    }
    if !run.is_empty() {
        found(&run[..=last_cap]);
    }
}

/// `Some(kind)` when `word` is a head noun: asked of every word of a run.
/// Only the few heads with the word's first byte are compared, found by a
/// table: a binary search over all of them branches one way or the other
/// at each of its six steps with no pattern, and mispredicts often.
fn head_kind(word: &str) -> Option<Option<&'static str>> {
    let first = *word.as_bytes().first()?;
    let (start, end) = HEADS_BY_FIRST_BYTE[usize::from(first)];
    HEADS[usize::from(start)..usize::from(end)]
        .iter()
        .find(|(h, _)| *h == word)
        .map(|&(_, kind)| kind)
}

/// For each byte, the range of [`HEADS`] (sorted) whose heads start with it.
const HEADS_BY_FIRST_BYTE: [(u8, u8); 256] = {
    assert!(HEADS.len() < 256, "head indexes fit a byte");
    let mut table = [(0, 0); 256];
    let mut i = 0;
    while i < HEADS.len() {
        let b = HEADS[i].0.as_bytes()[0] as usize;
        if table[b].1 == 0 {
            table[b].0 = i as u8;
        }
        table[b].1 = i as u8 + 1;
        i += 1;
    }
    table
};

/// The organization names in one run: one per head noun that has a
/// capitalized word with it.
fn names_in_run(text: &str, run: &[Token]) -> Vec<OrgName> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(k) = run[from..].iter().position(|t| head_kind(t.text).is_some()) {
        let h = from + k;
        let head = last_head(run, h);
        let (first, last) = (name_start(run, from, h), name_end(run, head));
        from = last + 1;
        let words = &run[first..=last];
        if words.iter().filter(|t| t.is_capitalized()).count() < 2 {
            continue;
        }
        let range = words[0].range.start..words[words.len() - 1].range.end;
        let name = super::spaced(&text[range.clone()]);
        let kind = head_kind(run[head].text).flatten();
        out.push(OrgName { range, name, kind });
    }
    if out.is_empty() {
        out.extend(firm_name(text, run));
    }
    out
}

/// A firm named for its partners, without a head noun: capitalized words
/// on both sides of a `&` (`Sadis & Goldberg`, `Procter & Gamble`).
fn firm_name(text: &str, run: &[Token]) -> Option<OrgName> {
    let amp = run.iter().position(|t| t.text == "&")?;
    let first = (0..amp).find(|&k| !is_noise(run[k].text))?;
    // Capitalized words of two letters or more (`Ann & I` names no firm).
    let partners = |words: &[Token]| {
        !words.is_empty() && words.iter().all(|t| t.is_capitalized() && t.text.len() > 1)
    };
    if !partners(&run[first..amp]) || !partners(&run[amp + 1..]) {
        return None;
    }
    let range = run[first].range.start..run[run.len() - 1].range.end;
    let name = super::spaced(&text[range.clone()]);
    Some(OrgName {
        range,
        name,
        kind: Some("company"),
    })
}

/// The first word of the name whose head is `run[h]`: back over
/// capitalized words and `and` (`Ways and Means Committee`), not before
/// `from`, then forward past leading noise and joining words.
fn name_start(run: &[Token], from: usize, h: usize) -> usize {
    let mut start = h;
    while start > from && (run[start - 1].is_capitalized() || run[start - 1].text == "and") {
        start -= 1;
    }
    while start < h && (is_noise(run[start].text) || !run[start].is_capitalized()) {
        start += 1;
    }
    start
}

/// The head of the name holding the head `run[h]`: its last one, past
/// further heads (`Party Committee`) and capitalized words (`Media
/// Research Center`, `School Boards Association`). A head inside a
/// longer name is not its end.
fn last_head(run: &[Token], h: usize) -> usize {
    let mut last = h;
    for (k, t) in run.iter().enumerate().skip(h + 1) {
        if !t.is_capitalized() || is_role(t.text) {
            break;
        }
        if head_kind(t.text).is_some() {
            last = k;
        }
    }
    last
}

/// The last word of the name whose last head is `run[head]`: the head,
/// or the end of an `of`/`for`/`on` complement, up to a role or a date
/// (`Department of Homeland Security Secretary …`).
fn name_end(run: &[Token], head: usize) -> usize {
    let abbreviated = run[head].text.ends_with('.') || run[head].text == "LLC";
    let complement = run
        .get(head + 1)
        .is_some_and(|t| ["of", "for", "on"].contains(&t.text));
    if !complement || abbreviated {
        return head;
    }
    let stop = run[head + 1..]
        .iter()
        .position(|t| is_role(t.text) || super::is_day_or_month(t.text))
        .map_or(run.len(), |k| head + 1 + k);
    (head + 1..stop)
        .rev()
        .find(|&k| run[k].is_capitalized())
        .unwrap_or(head)
}

fn is_noise(word: &str) -> bool {
    is_leading_noise(word) || super::is_day_or_month(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(t: &str) -> Vec<(String, Option<&'static str>)> {
        let capitals: Vec<usize> = crate::gazetteer::capitals(t).collect();
        find(t, 0..t.len(), &capitals, &text::tokens(t, 0..t.len()))
            .into_iter()
            .map(|o| (o.name, o.kind))
            .collect()
    }

    #[test]
    fn head_nouns_before_and_after() {
        assert_eq!(
            names("The Defense Ministry and the Ministry of Foreign Affairs disagreed."),
            vec![
                ("Defense Ministry".into(), Some("government")),
                ("Ministry of Foreign Affairs".into(), Some("government"))
            ]
        );
        assert_eq!(
            names("She is executive director of the State Board of Elections in Ohio."),
            vec![("State Board of Elections".into(), None)]
        );
    }

    #[test]
    fn roles_possessives_and_punctuation_end_names() {
        assert_eq!(
            names("Department of Homeland Security Secretary Jane Roe spoke."),
            vec![("Department of Homeland Security".into(), Some("government"))]
        );
        assert_eq!(
            names("The mayor's Parks Department, said Acme Widgets Inc. on Monday."),
            vec![
                ("Parks Department".into(), Some("government")),
                ("Acme Widgets Inc.".into(), Some("company"))
            ]
        );
    }

    #[test]
    fn joined_names_and_several_per_run() {
        assert_eq!(
            names("Posner of the Federal Court of Appeals spoke to the Ways and Means Committee."),
            vec![
                ("Federal Court of Appeals".into(), Some("government")),
                ("Ways and Means Committee".into(), None)
            ]
        );
        assert_eq!(
            names("Both the Defense Ministry and Foreign Ministry and the Office of Management and Budget agreed."),
            vec![
                ("Defense Ministry".into(), Some("government")),
                ("Foreign Ministry".into(), Some("government")),
                ("Office of Management and Budget".into(), Some("government"))
            ]
        );
    }

    #[test]
    fn firms_media_and_schools_by_their_head() {
        assert_eq!(
            names("The shares of Pershing Square Capital Management fell, and a group that calls itself Asawitiri Media posted a video of it."),
            vec![
                ("Pershing Square Capital Management".into(), Some("company")),
                ("Asawitiri Media".into(), Some("media"))
            ]
        );
        assert_eq!(
            names("He told the Orlando Sentinel about Sandy Hook Elementary School."),
            vec![
                ("Orlando Sentinel".into(), Some("media")),
                ("Sandy Hook Elementary School".into(), Some("education"))
            ]
        );
    }

    #[test]
    fn a_head_inside_a_longer_name_is_not_its_end() {
        assert_eq!(
            names("It was posted by the conservative Media Research Center last week."),
            vec![("Media Research Center".into(), None)]
        );
    }

    #[test]
    fn a_dash_alone_parts_two_names() {
        assert_eq!(
            names(
                "CONCORD, N.H. -- The National Review ran the story on its front page this week."
            ),
            vec![("National Review".into(), Some("media"))]
        );
    }

    #[test]
    fn a_slash_parts_two_names() {
        assert_eq!(
            names("In an ABC News/Washington Post Poll released Sunday, most agreed."),
            vec![("ABC News".into(), Some("media"))]
        );
    }

    #[test]
    fn partners_joined_by_an_ampersand_name_a_firm() {
        assert_eq!(
            names("A lawyer at Sadis & Goldberg said Procter & Gamble agreed."),
            vec![
                ("Sadis & Goldberg".into(), Some("company")),
                ("Procter & Gamble".into(), Some("company"))
            ]
        );
        // Not with a small word on either side, nor in a headline.
        assert_eq!(
            names("Rock & roll and R&B, said Smith & co. and Ann & I."),
            vec![]
        );
        assert_eq!(names("Smith & Jones Win Big In Court Battle"), vec![]);
    }

    #[test]
    fn lone_heads_and_sentence_openers_are_not_names() {
        assert_eq!(
            names("Council members voted. After Party talks ended, Board met."),
            vec![]
        );
        assert_eq!(names("Since October, the country has grown."), vec![]);
    }

    #[test]
    fn words_from_tokens_are_those_of_split_whitespace() {
        for t in [
            "",
            " ",
            "The “Defense Ministry,” said U.S. officials — again.",
            "a\u{a0}b\u{2009}c\u{b}d\u{3000}e\u{85}f \t\r\n g",
            "don’t al-Assad 3.5 said.Then ... !? ’s 🙂x",
        ] {
            let from_tokens: Vec<&str> = words(t, &text::tokens(t, 0..t.len()))
                .map(|w| &t[w])
                .collect();
            assert_eq!(
                from_tokens,
                t.split_whitespace().collect::<Vec<_>>(),
                "{t:?}"
            );
        }
    }

    #[test]
    fn heads_are_sorted() {
        assert!(HEADS.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn every_head_and_only_heads_are_found_by_their_first_byte() {
        for &(head, kind) in HEADS {
            assert_eq!(head_kind(head), Some(kind), "{head}");
        }
        for word in ["", "Agenc", "Agencies", "agency", "Zzz", "Ünion", "Trump"] {
            assert_eq!(head_kind(word), None, "{word}");
        }
    }

    #[test]
    fn odd_text_does_not_panic() {
        for t in [
            "",
            "&",
            "Ministry of",
            "🙂 Ministry 🙂",
            "Ministry of ’s",
            "\u{202E}Bank Bank",
        ] {
            let _ = names(t);
        }
    }
}
