//! Properties that hold for every article, checked on generated ones:
//! offsets stay inside the text, spans are well formed and ordered, and
//! enrichment is deterministic and never panics.
//!
//! The checks walk the serialized event, so every span a future field adds
//! is covered without touching this file.

use enricher_core::{decode, enrich, DecodeLimits, RawArticle};
use proptest::prelude::*;
use serde_json::Value;

/// Fragments that exercise the extractors: names, titles, speech verbs,
/// every kind of quotation mark, boilerplate lines, odd Unicode.
const FRAGMENTS: &[&str] = &[
    "The",
    "minister",
    "said",
    "says",
    "told reporters",
    "added:",
    "according to",
    "he",
    "she",
    "they",
    "President",
    "Anna Kovacs",
    "Kovacs",
    "Sen. John Q. Public",
    "Mr. Smith",
    "the Ministry of Defence",
    "Ukraine",
    "Ukrainian",
    "Kyiv",
    "WASHINGTON —",
    "KYIV, Ukraine (AP) —",
    "date 2023-08-15",
    "“",
    "”",
    "\"",
    "'",
    "‘",
    "’",
    "«",
    "»",
    "„",
    ",”",
    ".”",
    ",\"",
    "?”",
    ":",
    ";",
    "—",
    "-",
    ".",
    ",",
    "!",
    "?",
    "\n",
    "\n\n",
    "\n\n\n",
    " ",
    "  ",
    "\t",
    "Advertisement",
    "Read more:",
    "Related:",
    "Photo: AP",
    "Sign up for our newsletter",
    "It's",
    "don’t",
    "'90s",
    "U.S.",
    "3.5",
    "2016",
    "🎉",
    "👩‍👩‍👧",
    "مرحبا بالعالم",
    "שלום",
    "\u{200f}",
    "\u{0}",
    "\u{7}",
    "\r",
    "Ωμέγα",
    "Кличко",
    "М777",
    "ﬁ",
    "e\u{301}",
];

fn article() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..300).prop_map(|parts| {
        let mut s = String::new();
        for (i, p) in parts.iter().enumerate() {
            if i > 0 && !p.starts_with(['\n', ',', '.', ':', ';', '”', '’', '!', '?']) {
                s.push(' ');
            }
            s.push_str(p);
        }
        s
    })
}

fn raw(text: String) -> RawArticle {
    RawArticle {
        id: "prop".into(),
        text,
        ..RawArticle::default()
    }
}

/// Every object with integer `start` and `end`, with its JSON path.
fn spans(v: &Value, path: String, out: &mut Vec<(String, u64, u64)>) {
    match v {
        Value::Object(m) => {
            if let (Some(s), Some(e)) = (
                m.get("start").and_then(Value::as_u64),
                m.get("end").and_then(Value::as_u64),
            ) {
                out.push((path.clone(), s, e));
            }
            for (k, child) in m {
                if k != "extra" {
                    spans(child, format!("{path}.{k}"), out);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                spans(child, format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

fn check_event(text: &str) -> Result<(), TestCaseError> {
    let event = enrich(raw(text.to_owned()));
    let json = serde_json::to_value(&event).unwrap();
    let len = text.chars().count() as u64;

    let mut all = Vec::new();
    spans(&json, String::new(), &mut all);
    for (path, s, e) in &all {
        prop_assert!(s < e, "{path}: empty or reversed span {s}..{e}");
        prop_assert!(
            *e <= len,
            "{path}: span {s}..{e} past the end of a {len}-char text"
        );
    }

    let quotes = json["quotes"].as_array().unwrap();
    let mut last_end = 0;
    for (i, q) in quotes.iter().enumerate() {
        let (qs, qe) = (q["start"].as_u64().unwrap(), q["end"].as_u64().unwrap());
        prop_assert!(
            qs >= last_end,
            "quote {i} at {qs} overlaps or precedes the one before (ends {last_end})"
        );
        last_end = qe;
        let mut seg_end = qs;
        for seg in q["segments"].as_array().unwrap() {
            let (ss, se) = (seg["start"].as_u64().unwrap(), seg["end"].as_u64().unwrap());
            prop_assert!(
                ss >= seg_end && se <= qe,
                "quote {i}: segment {ss}..{se} outside {qs}..{qe} or overlapping"
            );
            seg_end = se;
        }
    }

    let again = serde_json::to_vec(&enrich(raw(text.to_owned()))).unwrap();
    prop_assert_eq!(
        serde_json::to_vec(&event).unwrap(),
        again,
        "not deterministic"
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn generated_articles_are_well_formed(text in article()) {
        check_event(&text)?;
    }

    #[test]
    fn arbitrary_strings_are_well_formed(text in any::<String>()) {
        check_event(&text)?;
    }

    #[test]
    fn arbitrary_bytes_decode_or_fail_cleanly(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(raw) = decode(&bytes, None, &DecodeLimits::default()) {
            check_event(&raw.text)?;
        }
    }
}

#[test]
fn edge_cases_are_well_formed() {
    let cases = [
        String::new(),
        " ".into(),
        "“".into(),
        "”“".repeat(50),
        "\"".repeat(101),
        "“".repeat(10_000),
        format!("{}\n\n", "“Unclosed quote that runs on".repeat(3)).repeat(1000),
        "\u{0}\u{1}\u{2}".into(),
        "שלום עולם. “ציטוט,” אמר הוא.".into(),
        "🎉".repeat(1000),
    ];
    for c in &cases {
        check_event(c)
            .unwrap_or_else(|e| panic!("{:?}…: {e}", c.chars().take(40).collect::<String>()));
    }
}
