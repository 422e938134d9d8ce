//! The seed article must come out right (issue 4): date, no title,
//! organizations, places, boilerplate and related headlines. People are
//! asserted by the people tests.
//!
//! Reads `../shared/data/seed-article.txt` (outside the repository); the
//! test passes with a printed notice when that file is absent.

use enricher_core::enriched::BoilerplateKind;

mod common;
use common::{seed, slice};

#[test]
fn seed_date_title_language() {
    let Some(out) = seed() else { return };
    assert_eq!(out.published.as_deref(), Some("2023-08-15"));
    assert_eq!(out.title, None);
    assert_eq!(out.dateline, None);
    assert_eq!(out.language.as_deref(), Some("en"));
}

#[test]
fn seed_organizations_and_places() {
    let Some(out) = seed() else { return };
    let orgs: Vec<&str> = out
        .entities
        .organizations
        .iter()
        .map(|o| o.name.as_str())
        .collect();
    let places: Vec<&str> = out
        .entities
        .places
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert!(orgs.contains(&"Ukrinform"), "organizations: {orgs:?}");
    assert!(places.contains(&"Ukraine"), "places: {places:?}");
    let ukraine = out
        .entities
        .places
        .iter()
        .find(|p| p.name == "Ukraine")
        .unwrap();
    assert_eq!(ukraine.kind.as_deref(), Some("country"));
    for m in &ukraine.mentions {
        assert_eq!(slice(&out.text, m.start, m.end), "Ukraine");
    }
    for junk in ["Advertisement", "Read", "Since October"] {
        assert!(
            !orgs.contains(&junk) && !places.contains(&junk),
            "{junk} is not an entity"
        );
    }
}

#[test]
fn seed_boilerplate_and_related() {
    let Some(out) = seed() else { return };
    let marked: Vec<(BoilerplateKind, String)> = out
        .boilerplate
        .iter()
        .map(|b| (b.kind, slice(&out.text, b.start, b.end)))
        .collect();
    assert!(marked.contains(&(BoilerplateKind::Advertisement, "Advertisement".into())));
    let related_block = marked
        .iter()
        .find(|(k, _)| *k == BoilerplateKind::Related)
        .expect("a related block");
    assert!(related_block.1.starts_with("Read more:"));
    assert!(related_block.1.ends_with("Kherson region"));
    let titles: Vec<&str> = out.related.iter().map(|r| r.title.as_str()).collect();
    assert_eq!(
        titles,
        vec![
            "Russia may ‘reconsider’ using cluster munitions because US supplying them to Ukraine",
            "Kyiv slams idea of giving up territory to Russia for NATO membership as ‘ridiculous’",
            "Ukraine will spend over $30 million reinforcing its borders with Russia and Belarus",
            "Russian Kh-101 missiles produced this year, sanctions must be strengthened: Kyiv",
            "Russia says destroyed Ukrainian \u{41c}777 howitzer, sunk 4 boats in Kherson region",
        ]
    );
    for r in &out.related {
        assert_eq!(slice(&out.text, r.start, r.end), r.title);
    }
    // Related headlines are not body: their places are not counted.
    assert!(!out.entities.places.iter().any(|p| p.name == "Belarus"));
}
