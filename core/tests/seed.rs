//! The seed article (`../shared/data/seed-article.txt`) must come out
//! exactly right: its three direct quotes with speaker, role and cue, its
//! indirect quotes, its two people, and nothing from the `Read more:` list.

use enricher_core::enriched::{EnrichedArticle, Quote, QuoteKind};

mod common;
use common::{seed, slice};

fn direct(article: &EnrichedArticle) -> Vec<&Quote> {
    article
        .quotes
        .iter()
        .filter(|q| q.kind == QuoteKind::Direct)
        .collect()
}

#[test]
fn three_direct_quotes_with_speakers() {
    let Some(a) = seed() else { return };
    let quotes = direct(&a);
    assert_eq!(quotes.len(), 3, "{quotes:#?}");
    let expect = [
        (
            "“Every day we must remember",
            "And we will further increase it,”",
            "he",
            "Volodymyr Zelenskyy",
            Some("Ukrainian President"),
            "said",
        ),
        (
            "“Ukraine's goal is clear:",
            "a lasting peace.”",
            "He",
            "Volodymyr Zelenskyy",
            None,
            "added",
        ),
        (
            "“No army on our continent",
            "military production facilities.”",
            "Ukrainian Prime Minister Denys Shmyhal",
            "Denys Shmyhal",
            Some("Ukrainian Prime Minister"),
            "said",
        ),
    ];
    for (q, (begins, ends, mention, name, role, cue)) in quotes.iter().zip(expect) {
        let text = slice(&a.text, q.start, q.end);
        assert!(text.starts_with(begins) && text.ends_with(ends), "{text}");
        assert_eq!(q.text, text);
        assert_eq!(q.segments.len(), 1);
        let speaker = q.speaker.as_ref().expect("a speaker");
        assert_eq!(slice(&a.text, speaker.start, speaker.end), mention);
        assert_eq!(speaker.name, name);
        if let Some(role) = role {
            assert_eq!(speaker.role.as_deref(), Some(role));
        }
        let c = q.cue.as_ref().expect("a cue");
        assert_eq!(
            (c.text.as_str(), slice(&a.text, c.start, c.end).as_str()),
            (cue, cue)
        );
    }
}

#[test]
fn indirect_quotes_of_zelenskyy_shmyhal_and_ukrinform() {
    let Some(a) = seed() else { return };
    let indirect: Vec<(String, &str)> = a
        .quotes
        .iter()
        .filter(|q| q.kind == QuoteKind::Indirect)
        .map(|q| {
            (
                slice(&a.text, q.start, q.end),
                q.speaker.as_ref().map_or("", |s| s.name.as_str()),
            )
        })
        .collect();
    let has = |begins: &str, name: &str| {
        indirect
            .iter()
            .any(|(t, n)| t.starts_with(begins) && *n == name)
    };
    assert!(
        has(
            "Ukraine is already increasing military production",
            "Volodymyr Zelenskyy"
        ),
        "{indirect:#?}"
    );
    assert!(
        has("European companies specializing", "Denys Shmyhal"),
        "{indirect:#?}"
    );
    assert!(
        has("Since October, Ukraine has been working", "Ukrinform"),
        "{indirect:#?}"
    );
    let ukrinform = a
        .quotes
        .iter()
        .find_map(|q| q.speaker.as_ref().filter(|s| s.name == "Ukrinform"))
        .expect("Ukrinform speaks");
    assert_eq!(
        slice(&a.text, ukrinform.start, ukrinform.end),
        "state news agency Ukrinform"
    );
    assert_eq!(
        a.quotes
            .iter()
            .find(|q| q.speaker.as_ref() == Some(ukrinform))
            .and_then(|q| q.cue.as_ref())
            .map(|c| c.text.as_str()),
        Some("reported")
    );
}

#[test]
fn quotes_are_ordered_and_skip_the_related_headlines() {
    let Some(a) = seed() else { return };
    let starts: Vec<usize> = a.quotes.iter().map(|q| q.start).collect();
    let mut sorted = starts.clone();
    sorted.sort_unstable();
    assert_eq!(starts, sorted);
    let read_more = a
        .text
        .find("Read more:")
        .map(|b| a.text[..b].chars().count())
        .expect("the related block");
    assert!(
        a.quotes.iter().all(|q| q.end <= read_more),
        "{:#?}",
        a.quotes
    );
}

#[test]
fn exactly_two_people_with_roles() {
    let Some(a) = seed() else { return };
    let people: Vec<&str> = a.entities.people.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(people, vec!["Volodymyr Zelenskyy", "Denys Shmyhal"]);
    let roles = |i: usize| a.entities.people[i].roles.clone();
    assert!(roles(0).contains(&"Ukrainian President".to_owned()));
    assert!(roles(1).contains(&"Ukrainian Prime Minister".to_owned()));
}
