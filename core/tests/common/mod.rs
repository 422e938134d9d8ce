//! Helpers shared by the core's integration tests.
#![allow(dead_code)] // each test file uses its own subset

use std::io::Write;
use std::path::PathBuf;

use enricher_core::{decode, enrich, DecodeLimits, EnrichedArticle};

/// The enriched `../shared/data/seed-article.txt` (outside the repository),
/// or `None` with a printed notice when that file is absent.
pub fn seed() -> Option<EnrichedArticle> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/seed-article.txt");
    let Ok(bytes) = std::fs::read(&path) else {
        // Written to the stderr handle, not `eprintln!`, which the test
        // harness captures (and hides) for a passing test.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: seed article not found at {}",
            path.display()
        );
        return None;
    };
    let raw = decode(&bytes, None, &DecodeLimits::default()).expect("the seed decodes");
    Some(enrich(raw))
}

/// The text of a code point span of an article.
pub fn slice(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end - start).collect()
}
