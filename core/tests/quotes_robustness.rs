//! Odd inputs never panic, stay linear, and give offsets inside the text.

use std::time::{Duration, Instant};

use enricher_core::{decode, enrich, DecodeLimits, EnrichedArticle};

fn run(text: &str) -> EnrichedArticle {
    let raw = decode(text.as_bytes(), None, &DecodeLimits::default()).expect("plain text decodes");
    let a = enrich(raw);
    let len = a.text.chars().count();
    for q in &a.quotes {
        assert!(q.start <= q.end && q.end <= len, "{q:?}");
        for s in &q.segments {
            assert!(s.start <= s.end && s.end <= len, "{q:?}");
        }
        if let Some(s) = &q.speaker {
            assert!(s.start <= s.end && s.end <= len, "{q:?}");
        }
    }
    a
}

#[test]
fn only_quote_marks() {
    for t in [
        "“",
        "”",
        "\"",
        "«»",
        "“”“”",
        "\"\"\"",
        "„“",
        "‘’'",
        "“\n\n”\n\n“",
        "” “",
    ] {
        run(t);
    }
}

#[test]
fn unbalanced_marks_over_many_paragraphs() {
    let text = "“It starts here and never ends, said nobody\n\n".repeat(2_000);
    run(&text);
    let text = "He said \"yes and then \"no and then “maybe.\n\n".repeat(2_000);
    run(&text);
}

#[test]
fn emoji_rtl_and_combining_marks() {
    run("“Wir schaffen das 🎉👍🏽,” sagte Angela Merkel. 😀\n\n«مرحبا بالعالم», قال الوزير محمد علي.\n\n“שלום עולם,” he said. e\u{301}“x”");
    let a = run("🎉 “One two three four,” Ann Lee said. 🎉");
    assert_eq!(a.quotes.len(), 1);
    assert_eq!(a.quotes[0].start, 2);
}

#[test]
fn a_million_opening_marks_in_linear_time() {
    let text = "“".repeat(1_000_000);
    let started = Instant::now();
    run(&text);
    let text = "“a ".repeat(300_000);
    run(&text);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn many_names_and_speech_verbs_in_linear_time() {
    let text = "“Yes, we can do it,” said Ann Lee, the mayor. He said, “No.” Mr. Tom Hill said that it was fine, Ms. Kay Lo added.\n\n".repeat(5_000);
    let started = Instant::now();
    let a = run(&text);
    assert!(a.quotes.len() >= 5_000);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}
