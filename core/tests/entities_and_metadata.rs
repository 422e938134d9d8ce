//! End-to-end checks of metadata and entities through `enrich`: code point
//! offsets with multi-byte text before the names, deterministic output,
//! boilerplate kept out of the entities, and no panic on odd input.

use enricher_core::enriched::Span;
use enricher_core::{enrich, RawArticle};

fn raw(text: &str) -> RawArticle {
    RawArticle {
        id: "t".into(),
        text: text.into(),
        ..RawArticle::default()
    }
}

fn slice(text: &str, s: Span) -> String {
    text.chars().skip(s.start).take(s.end - s.start).collect()
}

const ARTICLE: &str = "Ministers meet in Kyiv 🇺🇦\n\n\
    KYIV, Ukraine, Aug. 3, 2024 (AP) — «Київ» was calm when the Defense Ministry \
    and the United Nations met in Kyiv. Officials in Warsaw and Washington watched.\n\n\
    Advertisement\n\n\
    The U.N. said the talks would go on, according to Reuters.\n\n\
    Related: Berlin hosts a summit";

#[test]
fn metadata_of_a_wire_story() {
    let out = enrich(raw(ARTICLE));
    assert_eq!(out.title.as_deref(), Some("Ministers meet in Kyiv 🇺🇦"));
    let dateline = out.dateline.expect("a dateline");
    assert_eq!(dateline.place, "KYIV, Ukraine");
    assert_eq!(dateline.agency.as_deref(), Some("AP"));
    assert_eq!(
        slice(
            &out.text,
            Span {
                start: dateline.start,
                end: dateline.end
            }
        ),
        "KYIV, Ukraine, Aug. 3, 2024 (AP) —"
    );
    assert_eq!(out.published.as_deref(), Some("2024-08-03"));
    assert_eq!(out.language.as_deref(), Some("en"));
    let titles: Vec<&str> = out.related.iter().map(|r| r.title.as_str()).collect();
    assert_eq!(titles, vec!["Berlin hosts a summit"]);
}

#[test]
fn entity_mentions_are_code_point_spans_of_their_names() {
    let out = enrich(raw(ARTICLE));
    let places: Vec<(&str, usize)> = out
        .entities
        .places
        .iter()
        .map(|p| (p.name.as_str(), p.count))
        .collect();
    // The headline is a paragraph of the body, so its `Kyiv` counts, as
    // does the dateline's `KYIV`; the related headline's `Berlin` does not.
    assert_eq!(
        places,
        vec![
            ("Kyiv", 3),
            ("Ukraine", 1),
            ("Warsaw", 1),
            ("Washington", 1)
        ]
    );
    let orgs: Vec<&str> = out
        .entities
        .organizations
        .iter()
        .map(|o| o.name.as_str())
        .collect();
    assert_eq!(
        orgs,
        vec![
            "United Nations",
            "Associated Press",
            "Defense Ministry",
            "Reuters"
        ]
    );
    for p in &out.entities.places {
        for m in &p.mentions {
            let written = slice(&out.text, *m);
            assert!(
                written == p.name || written.to_uppercase() == p.name.to_uppercase(),
                "{written} for {}",
                p.name
            );
        }
    }
    let un = &out.entities.organizations[0];
    let written: Vec<String> = un.mentions.iter().map(|m| slice(&out.text, *m)).collect();
    assert_eq!(written, vec!["United Nations", "U.N."]);
}

#[test]
fn output_is_deterministic() {
    let a = serde_json::to_string(&enrich(raw(ARTICLE))).unwrap();
    let b = serde_json::to_string(&enrich(raw(ARTICLE))).unwrap();
    assert_eq!(a, b);
}

/// A tiny deterministic generator of nasty texts: every piece the
/// extractors special-case, glued at random.
#[test]
fn odd_inputs_never_panic() {
    const PIECES: &[&str] = &[
        "\n",
        "\n\n",
        " ",
        "\t",
        "\u{0}",
        "\u{7}",
        "\u{202E}",
        "\u{200F}",
        "\u{feff}",
        "🇺🇦",
        "👩‍👩‍👧",
        "é",
        "Київ",
        "שלום",
        "مرحبا",
        "(",
        ")",
        "(AP)",
        "—",
        "–",
        "--",
        " - ",
        ":",
        ";",
        ".",
        "“",
        "”",
        "’s",
        "'",
        "KYIV,",
        "Ukraine",
        "U.S.",
        "Ministry",
        "of",
        "the",
        "Defense",
        "Read more:",
        "Related:",
        "Advertisement",
        "Photo:",
        "(AP Photo/X)",
        "Follow",
        "on Twitter",
        "Aug.",
        "15,",
        "2023",
        "said",
        "Super Tuesday",
        "Inc.",
        "A",
        "a",
        "GOP",
        "New York",
        "Washington, D.C.",
        "\r\n",
        "\u{a0}",
        "…",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..1_000 {
        let mut text = String::new();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let len = (seed % 40) as usize + 1;
        for _ in 0..len {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            text.push_str(PIECES[(seed % PIECES.len() as u64) as usize]);
        }
        let out = enrich(raw(&text));
        let chars = text.chars().count();
        let places = out.entities.places.iter().flat_map(|p| &p.mentions);
        let orgs = out.entities.organizations.iter().flat_map(|o| &o.mentions);
        for m in places.chain(orgs) {
            assert!(m.start < m.end && m.end <= chars, "{m:?} in {text:?}");
        }
        for b in &out.boilerplate {
            assert!(b.start <= b.end && b.end <= chars);
        }
    }
}
