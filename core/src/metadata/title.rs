//! The headline at the top of the text, for events that carry no title.
//!
//! Crawled articles often start with their headline on its own line,
//! followed by a blank line (`polnear-train.jsonl` does this, adding a
//! final period, and puts a deck on the next line after `; `). A lede
//! paragraph looks the same on the page, so the first line counts as a
//! headline only when its shape says so: short, not a dateline, and, if it
//! ends with a period, at most [`MAX_WORDS_WITH_PERIOD`] words and none of
//! the marks of a lede: a reporting verb (`said`), a day of the week
//! (`on Tuesday`), `according to`. Headlines of two or three sentences (`Game over. Will
//! he quit?`) are common, but so are two-sentence ledes, so more than one
//! sentence needs more evidence: very short, Headline Case, a deck, or a
//! dateline opening the next paragraph. When in doubt there is no title:
//! the issue forbids inventing one.

use std::ops::Range;

use super::dateline;
use crate::{text, Doc};

/// Headlines are rarely longer than this (polnear's longest has 22).
const MAX_WORDS: usize = 25;
/// A first line ending with a period is a headline only when shorter than
/// this (or in Headline Case): ledes that end with a period run longer.
const MAX_WORDS_WITH_PERIOD: usize = 18;
const MAX_BYTES: usize = 300;
/// A first line of several sentences this short is a headline anyway.
const MAX_WORDS_MULTI_SENTENCE: usize = 18;

/// The headline found at the top of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Headline {
    /// The headline without its deck, final `;` or added final period.
    pub title: String,
    /// How many leading paragraphs it takes (2 when a deck follows).
    pub paragraphs: usize,
}

/// The headline of `doc`, if its first line is one.
pub fn find(doc: &Doc) -> Option<Headline> {
    let first = doc.paragraphs.first()?.clone();
    let second = doc.paragraphs.get(1)?.clone();
    if doc.body.first() != Some(&first) {
        return None; // the first line is boilerplate
    }
    let line = &doc.text[first.clone()];
    let (headline, paragraphs) = match line.strip_suffix(';') {
        Some(head) if deck_follows(doc, &first, &second) => (head.trim_end(), 2),
        _ if blank_line_between(doc.text, first.end, second.start) => {
            (line.trim_end_matches(';').trim_end(), 1)
        }
        _ => return None,
    };
    let range = first.start..first.start + headline.len();
    if !looks_like_headline(doc.text, range.clone()) {
        return None;
    }
    let sentences = text::sentence_count(doc.text, range);
    // Evidence is looked for only when a second sentence needs it.
    let vouched = || {
        paragraphs == 2
            || text::is_headline_case(headline)
            || text::word_count(headline) <= MAX_WORDS_MULTI_SENTENCE
            || dateline::parse(doc.text, second).is_some()
    };
    if sentences > 3 || (sentences > 1 && !vouched()) {
        return None;
    }
    Some(Headline {
        title: without_added_period(headline).to_owned(),
        paragraphs,
    })
}

/// A deck: the second line directly under the headline, then a blank line.
fn deck_follows(doc: &Doc, first: &Range<usize>, second: &Range<usize>) -> bool {
    let after_deck = doc.paragraphs.get(2).map_or(doc.text.len(), |p| p.start);
    !blank_line_between(doc.text, first.end, second.start)
        && blank_line_between(doc.text, second.end, after_deck)
}

/// True when the text between two paragraphs holds an empty line.
fn blank_line_between(text: &str, from: usize, to: usize) -> bool {
    text.get(from..to)
        .is_some_and(|gap| gap.bytes().filter(|&b| b == b'\n').count() >= 2)
}

/// The shape of a headline: 2 to [`MAX_WORDS`] words, no dateline, not
/// ending like a clause (`,` `:`), and, when it ends with a period, short
/// and without `said`.
fn looks_like_headline(text: &str, range: Range<usize>) -> bool {
    let line = &text[range.clone()];
    // The length first: it is free, and most first lines that are not
    // headlines are long ledes.
    if line.len() > MAX_BYTES {
        return false;
    }
    let words = text::word_count(line);
    if !(2..=MAX_WORDS).contains(&words) {
        return false;
    }
    if dateline::parse(text, range).is_some() {
        return false;
    }
    let last = line
        .trim_end_matches(['"', '\'', '”', '’', ')', '»'])
        .chars()
        .next_back();
    match last {
        Some(',' | ':' | '-' | '—') | None => false,
        Some('.') => {
            (words <= MAX_WORDS_WITH_PERIOD || text::is_headline_case(line))
                && !reads_like_a_lede(line)
        }
        Some(_) => true,
    }
}

/// Ledes report (`said`, `told`, `according to`; headlines say `says`)
/// and date the news (`on Tuesday`; headlines rarely do, except for
/// `Super Tuesday` and possessives like `Monday’s Morning Email`).
fn reads_like_a_lede(line: &str) -> bool {
    let mut words = line.split_whitespace().peekable();
    let mut previous = "";
    while let Some(raw) = words.next() {
        let w = raw.trim_matches(|c: char| !text::is_alphanumeric(c));
        let day = text::WEEKDAYS.contains(&w)
            && !raw.contains(['’', '\''])
            && !previous.ends_with("Super");
        let according = w == "according" && words.peek() == Some(&"to");
        if day || according || w == "said" || w == "told" {
            return true;
        }
        previous = raw;
    }
    false
}

/// Drops a final period unless it closes an abbreviation (`U.S.`).
fn without_added_period(headline: &str) -> &str {
    let Some(body) = headline.strip_suffix('.') else {
        return headline;
    };
    let last_word = body.rsplit(char::is_whitespace).next().unwrap_or("");
    if last_word.contains('.') {
        headline
    } else {
        body
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn title(t: &str) -> Option<String> {
        find(&Doc::new(t)).map(|h| h.title)
    }

    #[test]
    fn a_headline_line_followed_by_a_blank_line() {
        assert_eq!(
            title("Council approves new budget\n\nThe council voted on Monday."),
            Some("Council approves new budget".into())
        );
        assert_eq!(
            title("Mayor: Bridge Will Reopen in May.\n\nThe mayor spoke."),
            Some("Mayor: Bridge Will Reopen in May".into())
        );
        assert_eq!(
            title("Plan helps the U.S.\n\nBody text here."),
            Some("Plan helps the U.S.".into())
        );
    }

    #[test]
    fn headlines_of_several_sentences() {
        assert_eq!(
            title("Game over. Will the senator quit?\n\nHe did not.").as_deref(),
            Some("Game over. Will the senator quit?")
        );
        let dated = "Court Hears Case on Water Rights Between Two Neighboring States \
                     Today. Ruling Expected by the End of Summer\n\nPHOENIX (AP) — The court met.";
        assert!(title(dated).is_some());
    }

    #[test]
    fn a_headline_with_its_deck() {
        let t = "Rates rise again; \nBanks warn of a slow winter.\n\nThe bank said.";
        assert_eq!(
            find(&Doc::new(t)),
            Some(Headline {
                title: "Rates rise again".into(),
                paragraphs: 2
            })
        );
    }

    #[test]
    fn ledes_datelines_and_single_words_are_not_headlines() {
        let lede = "The city council approved a budget on Monday that raises spending on \
                    schools, roads and parks by four percent over last year, officials said.\n\nMore.";
        assert_eq!(title(lede), None);
        assert_eq!(title("Officials said the vote was close.\n\nMore."), None);
        assert_eq!(title("The council met on Tuesday to vote.\n\nMore."), None);
        assert_eq!(title("Prices rose, according to a survey.\n\nMore."), None);
        assert!(title("Candidates rally before Super Tuesday.\n\nMore.").is_some());
        assert_eq!(title("WASHINGTON (AP) — Lawmakers met.\n\nMore."), None);
        assert_eq!(title("ABSTRACT.\n\nMore."), None);
        let two = "The council met on Monday to vote on the budget for next year. \
                   It approved the plan by seven votes to two after a long debate.\n\nMore.";
        assert_eq!(title(two), None);
        assert_eq!(
            title("Council approves new budget\nThe council voted."),
            None
        );
        assert_eq!(title("Only a headline"), None);
        assert_eq!(title(""), None);
    }

    #[test]
    fn odd_input_does_not_panic() {
        for t in [
            "\n\n\n",
            "🙂 🙂\n\nx",
            "\u{202E}שלום עולם\n\nטקסט",
            "a\u{0}b c;\n\n",
            ";\n\n",
        ] {
            let _ = title(t);
        }
    }
}
