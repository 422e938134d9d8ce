//! Throughput of the enrichment core, single-threaded, whole and by stage.
//!
//! `cargo bench -p enricher-core --bench enrich` (add `-- --quick` for a
//! fast pass). The corpus is the texts of `../shared/data/polnear-train.jsonl`
//! when present (840 real news articles, as events: id, title, text and
//! the publication fields, without the gold annotations), else the
//! project's own fixtures; the first line printed says which. Criterion
//! reports MB/s (bytes of article text) for the `bytes` group and
//! articles/s for `articles`.
//! Like the worker binary, the bench allocates with mimalloc.

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, BatchSize, Bencher, Criterion, Throughput};

/// The allocator of the `article-enricher` binary, so that the figures are
/// those of the worker (the core allocates per token and per name).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use enricher_core::{
    boilerplate, decode, enrich, entities, metadata, quotes, DecodeLimits, Doc, RawArticle,
};

/// One raw payload per article: the JSON lines as a producer would send them.
fn corpus() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let shared = root.join("../shared/data/polnear-train.jsonl");
    let (source, path) = if shared.is_file() {
        (
            "../shared/data/polnear-train.jsonl (840 PolNeAR articles)",
            shared,
        )
    } else {
        (
            "tests/fixtures/articles.jsonl (shared data absent)",
            root.join("tests/fixtures/articles.jsonl"),
        )
    };
    let text = std::fs::read_to_string(&path).expect("corpus is readable");
    let lines: Vec<Vec<u8>> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(without_gold)
        .collect();
    eprintln!(
        "corpus: {source}, without the gold `{}` fields",
        GOLD.join("`, `")
    );
    lines
}

/// PolNeAR's annotations: the scorer's answers, not fields an article
/// event has. Kept, they would pass through `enrich` untouched and be
/// dropped with its output inside the timed loop (~4 % of a profile's
/// samples), which no article event's fields cost.
const GOLD: [&str; 2] = ["quotes", "attributions"];

/// The line as an article event: a JSON object without [`GOLD`]; any
/// other line as it is.
fn without_gold(line: &str) -> Vec<u8> {
    match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(line) {
        Ok(mut event) if GOLD.iter().any(|f| event.contains_key(*f)) => {
            for field in GOLD {
                event.remove(field);
            }
            serde_json::to_vec(&event).expect("a JSON object serializes")
        }
        _ => line.as_bytes().to_vec(),
    }
}

fn bench(c: &mut Criterion) {
    let payloads = corpus();
    let limits = DecodeLimits::default();
    let raws: Vec<RawArticle> = payloads
        .iter()
        .map(|p| decode(p, None, &limits).expect("corpus decodes"))
        .collect();
    let text_bytes: u64 = raws.iter().map(|r| r.text.len() as u64).sum();
    let payload_bytes: u64 = payloads.iter().map(|p| p.len() as u64).sum();
    eprintln!(
        "articles: {}, text bytes: {text_bytes}, payload bytes: {payload_bytes}",
        raws.len()
    );

    let mut whole = c.benchmark_group("bytes");
    whole.throughput(Throughput::Bytes(text_bytes));
    whole.bench_function("enrich", |b| enrich_all(b, &raws));
    whole.bench_function("decode+enrich+serialize", |b| {
        b.iter(|| {
            payloads
                .iter()
                .map(|p| {
                    enrich(decode(p, None, &limits).unwrap())
                        .to_json()
                        .unwrap()
                        .len()
                })
                .sum::<usize>()
        })
    });
    whole.finish();

    let mut articles = c.benchmark_group("articles");
    articles.throughput(Throughput::Elements(raws.len() as u64));
    articles.bench_function("enrich", |b| enrich_all(b, &raws));
    articles.finish();

    stages(c, &payloads, &raws, text_bytes);
}

/// `enrich` over the corpus. It takes each article by value: the copies
/// are made untimed.
fn enrich_all(b: &mut Bencher, raws: &[RawArticle]) {
    b.iter_batched(
        || raws.to_vec(),
        |raws| {
            raws.into_iter()
                .map(|r| black_box(enrich(r)).word_count)
                .sum::<usize>()
        },
        BatchSize::LargeInput,
    )
}

/// Each stage alone, on input prepared by the stages before it.
fn stages(c: &mut Criterion, payloads: &[Vec<u8>], raws: &[RawArticle], text_bytes: u64) {
    let limits = DecodeLimits::default();
    let mut g = c.benchmark_group("stage");
    g.throughput(Throughput::Bytes(text_bytes));
    g.bench_function("decode", |b| {
        b.iter(|| {
            payloads
                .iter()
                .filter(|p| decode(p, None, &limits).is_ok())
                .count()
        })
    });
    g.bench_function("boilerplate", |b| {
        b.iter(|| {
            raws.iter()
                .map(|r| boilerplate::detect(&Doc::new(&r.text)).spans.len())
                .sum::<usize>()
        })
    });
    // Each article's `Doc` caches work on first use (the lead, the body's
    // tokens), so every timed pass gets fresh ones, made untimed with the
    // earlier stages run on them: each stage pays for what it is the first
    // to need, as in `enrich`, and the stages add up to the whole.
    let docs = || -> Vec<Doc> { raws.iter().map(|r| after_boilerplate(&r.text)).collect() };
    g.bench_function("metadata", |b| {
        b.iter_batched_ref(
            docs,
            |docs| {
                raws.iter()
                    .zip(docs.iter())
                    .map(|(r, d)| black_box(metadata::extract(r, d)).word_count)
                    .sum::<usize>()
            },
            BatchSize::LargeInput,
        )
    });
    let after_metadata = || {
        let docs = docs();
        for (r, d) in raws.iter().zip(&docs) {
            black_box(metadata::extract(r, d));
        }
        docs
    };
    g.bench_function("entities", |b| {
        b.iter_batched_ref(
            after_metadata,
            |docs| {
                docs.iter()
                    .map(|d| black_box(entities::extract(d)).people.len())
                    .sum::<usize>()
            },
            BatchSize::LargeInput,
        )
    });
    let after_entities = || {
        let docs = after_metadata();
        let found: Vec<entities::Found> = docs.iter().map(entities::extract).collect();
        (docs, found)
    };
    g.bench_function("quotes", |b| {
        b.iter_batched_ref(
            after_entities,
            |(docs, found)| {
                docs.iter()
                    .zip(found.iter())
                    .map(|(d, f)| quotes::extract(d, f).len())
                    .sum::<usize>()
            },
            BatchSize::LargeInput,
        )
    });
    let enriched: Vec<_> = raws.iter().cloned().map(enrich).collect();
    g.bench_function("serialize", |b| {
        b.iter(|| {
            enriched
                .iter()
                .map(|e| e.to_json().unwrap().len())
                .sum::<usize>()
        })
    });
    g.finish();
}

/// The `Doc` of `text` with its boilerplate removed, as `enrich` has it
/// when the metadata stage starts.
fn after_boilerplate(text: &str) -> Doc<'_> {
    let mut doc = Doc::new(text);
    let found = boilerplate::detect(&doc);
    doc.remove_boilerplate(&found.ranges());
    doc
}

criterion_group!(benches, bench);
criterion_main!(benches);
