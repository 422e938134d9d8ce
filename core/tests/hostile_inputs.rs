//! Hostile payloads of the kinds crawlers and attackers produce. Each must
//! decode to an enriched event or fail with a decode error of the right
//! kind — never panic, never hang, never take memory out of proportion.
//!
//! The payloads are generated here rather than committed: they are large
//! and their shape is the point, not their bytes.

use std::time::{Duration, Instant};

use enricher_core::{decode, enrich, DecodeErrorKind, DecodeLimits};

/// Generous enough for an unoptimized test build on a loaded machine; a
/// quadratic path on these sizes would take minutes, not seconds. This is a
/// hang detector, not a speed claim (the benchmarks make those).
const HANG_BOUND: Duration = Duration::from_secs(20);

enum Expect {
    Enriched,
    Fails(DecodeErrorKind),
}

fn check(name: &str, payload: &[u8], expect: Expect) {
    let started = Instant::now();
    let decoded = decode(payload, None, &DecodeLimits::default());
    match (decoded, expect) {
        (Ok(raw), Expect::Enriched) => {
            let event = enrich(raw);
            let bytes = serde_json::to_vec(&event).unwrap();
            // Output stays in proportion to input: text, offsets and spans.
            assert!(
                bytes.len() < 64 * payload.len() + 4096,
                "{name}: output of {} bytes",
                bytes.len()
            );
        }
        (Err(e), Expect::Fails(kind)) => {
            assert_eq!(e.kind, kind, "{name}: {e}");
            assert!(!e.message.is_empty());
        }
        (Ok(_), Expect::Fails(kind)) => panic!("{name}: decoded, expected {kind}"),
        (Err(e), Expect::Enriched) => panic!("{name}: failed to decode: {e}"),
    }
    let took = started.elapsed();
    assert!(took < HANG_BOUND, "{name}: took {took:?}");
}

#[test]
fn invalid_utf8() {
    check(
        "lone continuation byte",
        b"Hello \x80 world",
        Expect::Fails(DecodeErrorKind::InvalidUtf8),
    );
    check(
        "truncated sequence",
        "Kyiv “".as_bytes().split_last().unwrap().1,
        Expect::Fails(DecodeErrorKind::InvalidUtf8),
    );
    check(
        "utf-16 bom",
        b"\xff\xfeH\x00i\x00",
        Expect::Fails(DecodeErrorKind::InvalidUtf8),
    );
}

#[test]
fn truncated_json() {
    let full = br#"{"id":"t1","text":"A full article body.","title":"T"}"#;
    for cut in 1..full.len() {
        check(
            &format!("cut at {cut}"),
            &full[..cut],
            Expect::Fails(DecodeErrorKind::InvalidJson),
        );
    }
}

#[test]
fn json_bombs() {
    let deep_object = format!("{}{}", "{\"a\":".repeat(100_000), "}".repeat(100_000));
    check(
        "deeply nested object",
        deep_object.as_bytes(),
        Expect::Fails(DecodeErrorKind::InvalidJson),
    );
    let deep_array = format!(
        "{{\"text\":\"x\",\"extra\":{}{}}}",
        "[".repeat(200_000),
        "]".repeat(200_000)
    );
    check(
        "deeply nested array in extra",
        deep_array.as_bytes(),
        Expect::Fails(DecodeErrorKind::InvalidJson),
    );
    let huge_number = format!("{{\"text\":\"x\",\"n\":1{}}}", "0".repeat(1_000_000));
    check(
        "huge number",
        huge_number.as_bytes(),
        Expect::Fails(DecodeErrorKind::InvalidJson),
    );
    let huge_exponent = "{\"text\":\"x\",\"n\":1e999999999}";
    check(
        "huge exponent",
        huge_exponent.as_bytes(),
        Expect::Fails(DecodeErrorKind::InvalidJson),
    );
    let huge_string = format!("{{\"text\":\"{}\"}}", "word ".repeat(700_000));
    check("3.5 MB string", huge_string.as_bytes(), Expect::Enriched);
    let many_keys: String = (0..100_000).map(|i| format!("\"k{i}\":{i},")).collect();
    let many_keys = format!("{{{many_keys}\"text\":\"x\"}}");
    check("100k unknown keys", many_keys.as_bytes(), Expect::Enriched);
}

#[test]
fn over_the_size_limit() {
    let big = "a ".repeat(3 * 1024 * 1024);
    check(
        "6 MiB plain text",
        big.as_bytes(),
        Expect::Fails(DecodeErrorKind::TooLarge),
    );
}

#[test]
fn unbalanced_quotes_across_a_thousand_paragraphs() {
    let para = "“This quote opens and never closes, said nobody in particular\n\n";
    check(
        "1,000 open quotes",
        para.repeat(1000).as_bytes(),
        Expect::Enriched,
    );
    let mixed =
        "He said: “Yes, and then ” no ” “ maybe\n\n\"Straight \" \" marks\" everywhere \"\n\n";
    check(
        "1,000 mixed marks",
        mixed.repeat(1000).as_bytes(),
        Expect::Enriched,
    );
}

#[test]
fn a_million_opening_quote_marks() {
    check(
        "1,000,000 “",
        "“".repeat(1_000_000).as_bytes(),
        Expect::Enriched,
    );
    check(
        "1,000,000 \"",
        "\"".repeat(1_000_000).as_bytes(),
        Expect::Enriched,
    );
}

#[test]
fn many_pronoun_quotes_after_a_long_sentence() {
    // A pronoun looks back for the sentence of the last person named; here
    // that sentence runs for a megabyte, and 40,000 quotes ask.
    let filler = "and the long run goes on ".repeat(640);
    let mut text = String::new();
    for _ in 0..64 {
        text.push_str("Anna Kovacs ");
        text.push_str(&filler);
    }
    text.push_str("\n\n");
    text.push_str(&"“We will win this,” she said. ".repeat(40_000));
    check("40,000 pronoun quotes", text.as_bytes(), Expect::Enriched);
}

#[test]
fn degenerate_texts() {
    check(
        "one long line of names",
        "Anna Kovacs said ".repeat(100_000).as_bytes(),
        Expect::Enriched,
    );
    check(
        "only line breaks and a letter",
        format!("{}x", "\n".repeat(1_000_000)).as_bytes(),
        Expect::Enriched,
    );
    check(
        "control characters",
        "\u{1}\u{2}\u{3} text \u{7f}".repeat(10_000).as_bytes(),
        Expect::Enriched,
    );
    check(
        "combining marks",
        format!("a{}", "\u{301}".repeat(100_000)).as_bytes(),
        Expect::Enriched,
    );
    check(
        "capitalized words",
        "Alpha Beta Gamma Delta ".repeat(100_000).as_bytes(),
        Expect::Enriched,
    );
}
