//! Whole passes of `enrich` over a corpus, timed: for A/B comparisons of
//! two builds within a percent.
//!
//! `cargo run --release -p enricher-core --example corpus_passes -- FILE [PASSES]`
//!
//! Each pass enriches every article of FILE (JSON Lines, one raw event per
//! line) once, in order, as the worker meets them; copies of the articles
//! are made before the clock starts. It prints the best and the median
//! pass in MB/s of article text. A pass takes well under a second, so a
//! run of twenty mostly sees one state of the machine: in a calm spell,
//! runs of one build agree to ~1 %, where criterion's eight-second
//! windows drift by 10 % (BENCHMARKS.md); alternate two builds to compare
//! them. The criterion bench (`cargo bench --bench enrich`)
//! stays the published figure.
//!
//! The order matters: enriched twice in a row, an article takes about a
//! quarter less time the second time (56 ms for the corpus instead of
//! 76 ms), the CPU having learnt its branches and cached its data. A bench
//! that repeats one article measures that, not the worker.

use std::hint::black_box;
use std::time::{Duration, Instant};

use enricher_core::{decode, enrich, DecodeLimits, RawArticle};

/// The worker binary's allocator, so the figures are the worker's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: corpus_passes FILE.jsonl [PASSES] (one raw article event per line)")?;
    let passes = match args.next() {
        None => 20,
        Some(n) => n
            .parse::<usize>()
            .ok()
            .filter(|&p| p > 0)
            .ok_or_else(|| format!("PASSES must be a positive number, not {n:?}"))?,
    };
    let articles = read(&path)?;
    let bytes: usize = articles.iter().map(|a| a.text.len()).sum();
    let mut times: Vec<Duration> = (0..passes).map(|_| pass(&articles)).collect();
    times.sort();
    let rate = |t: Duration| bytes as f64 / t.as_secs_f64() / 1e6;
    println!(
        "{} articles, {bytes} bytes of text, {passes} passes: best {:.2} MB/s, median {:.2} MB/s",
        articles.len(),
        rate(times[0]),
        rate(times[passes / 2]),
    );
    Ok(())
}

/// PolNeAR's annotations: the scorer's answers, not fields an article
/// event has. Left in an article's extra fields, they would be dropped
/// with its output inside the timed pass, as the criterion bench avoids
/// too.
const GOLD: [&str; 2] = ["quotes", "attributions"];

/// The articles of a JSON Lines file, without [`GOLD`]; lines that do not
/// decode are reported and left out.
fn read(path: &str) -> Result<Vec<RawArticle>, Box<dyn std::error::Error>> {
    let input = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let limits = DecodeLimits::default();
    let mut articles = Vec::new();
    for (number, line) in input.split(|&b| b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match decode(line, None, &limits) {
            Ok(mut raw) => {
                for field in GOLD {
                    raw.extra.remove(field);
                }
                articles.push(raw);
            }
            Err(e) => eprintln!("line {}: {e}", number + 1),
        }
    }
    if articles.is_empty() {
        return Err(format!("{path} holds no article that decodes").into());
    }
    Ok(articles)
}

/// One timed pass over copies of `articles`.
fn pass(articles: &[RawArticle]) -> Duration {
    let copies = articles.to_vec();
    let start = Instant::now();
    let words: usize = copies
        .into_iter()
        .map(|a| black_box(enrich(a)).word_count)
        .sum();
    let elapsed = start.elapsed();
    black_box(words);
    elapsed
}
