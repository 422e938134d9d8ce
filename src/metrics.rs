//! Metric names and recording helpers, in one place, so that the names the
//! README documents and the alerts use are defined once.
//!
//! Recorded through the `metrics` facade: without an installed recorder
//! (the `enrich` and `demo` commands, unit tests) every call is a no-op.
//! `run` installs the Prometheus recorder ([`install`]) and `/metrics`
//! renders it (`crate::ops`). The consumer lag is not here: it comes from
//! librdkafka's statistics at scrape time (`crate::ops::kafka_status`), so
//! that partitions this worker no longer owns drop out of the output.

use std::time::{Duration, Instant};

use metrics::{counter, describe_counter, describe_gauge, describe_histogram, gauge, Unit};
use metrics_exporter_prometheus::{BuildError, Matcher, PrometheusBuilder, PrometheusHandle};

use crate::pipeline::output::{Outcome, OutputRecord};

pub const CONSUMED: &str = "article_enricher_messages_consumed_total";
pub const ENRICHED: &str = "article_enricher_messages_enriched_total";
pub const DEAD_LETTERED: &str = "article_enricher_messages_dead_lettered_total";
pub const PRODUCED: &str = "article_enricher_messages_produced_total";
pub const PRODUCE_RETRIES: &str = "article_enricher_produce_retries_total";
pub const IN_FLIGHT: &str = "article_enricher_messages_in_flight";
pub const DECODE_SECONDS: &str = "article_enricher_decode_duration_seconds";
pub const ENRICH_SECONDS: &str = "article_enricher_enrich_duration_seconds";
pub const PRODUCE_SECONDS: &str = "article_enricher_produce_duration_seconds";
pub const END_TO_END_SECONDS: &str = "article_enricher_end_to_end_latency_seconds";
pub const COMMITS: &str = "article_enricher_commits_total";
pub const COMMIT_FAILURES: &str = "article_enricher_commit_failures_total";
pub const REBALANCES: &str = "article_enricher_rebalances_total";
pub const QUOTES: &str = "article_enricher_quotes_extracted_total";
pub const ENTITIES: &str = "article_enricher_entities_extracted_total";
pub const BUILD_INFO: &str = "article_enricher_build_info";
pub const CONSUMER_LAG: &str = "article_enricher_consumer_lag";

/// Histogram buckets in seconds: from a fast decode (0.1 ms) to an article
/// that waited a minute in the topic.
const BUCKETS: &[f64] = &[
    0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
    30.0, 60.0,
];

/// The commit the binary was built from (see `build.rs`).
pub const GIT_SHA: &str = env!("ARTICLE_ENRICHER_GIT_SHA");

/// Installs the Prometheus recorder as the global one, describes every
/// metric and sets the build info. Once per process.
pub fn install() -> Result<PrometheusHandle, BuildError> {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), BUCKETS)?
        .install_recorder()?;
    describe();
    // Unlabelled series exist from the start, at 0, so that rates and
    // alerts have a value before the first event.
    for name in [ENRICHED, PRODUCE_RETRIES, COMMITS, COMMIT_FAILURES, QUOTES] {
        counter!(name).increment(0);
    }
    gauge!(IN_FLIGHT).set(0.0);
    gauge!(BUILD_INFO, "version" => env!("CARGO_PKG_VERSION"), "git_sha" => GIT_SHA).set(1.0);
    Ok(handle)
}

fn describe() {
    describe_counter!(CONSUMED, "Messages taken from the input topics.");
    describe_counter!(
        ENRICHED,
        "Enriched events acknowledged by the broker on the output topic."
    );
    describe_counter!(
        DEAD_LETTERED,
        "Dead letters acknowledged by the broker, by error kind."
    );
    describe_counter!(PRODUCED, "Records acknowledged by the broker, by topic.");
    describe_counter!(
        PRODUCE_RETRIES,
        "Produce attempts that failed and were retried."
    );
    describe_gauge!(
        IN_FLIGHT,
        "Messages taken and not yet acknowledged (processing or producing)."
    );
    describe_histogram!(
        DECODE_SECONDS,
        Unit::Seconds,
        "Time to decode one raw event."
    );
    describe_histogram!(
        ENRICH_SECONDS,
        Unit::Seconds,
        "Time to enrich and serialize one article."
    );
    describe_histogram!(
        PRODUCE_SECONDS,
        Unit::Seconds,
        "Time from handing a record to the producer to its acknowledgement, retries included."
    );
    describe_histogram!(
        END_TO_END_SECONDS,
        Unit::Seconds,
        "Time from the input message's timestamp to the acknowledgement of its output."
    );
    describe_counter!(COMMITS, "Offset commits the broker accepted.");
    describe_counter!(
        COMMIT_FAILURES,
        "Offset commits that failed (retried at the next interval)."
    );
    describe_counter!(
        REBALANCES,
        "Consumer group rebalances seen, by kind (assign, revoke, error)."
    );
    describe_counter!(QUOTES, "Direct quotes found in enriched articles.");
    describe_counter!(ENTITIES, "Entities found in enriched articles, by type.");
    describe_gauge!(BUILD_INFO, "Always 1; the labels say which build runs.");
}

/// A message was taken from `topic` for processing.
pub fn consumed(topic: &str) {
    counter!(CONSUMED, "topic" => topic.to_owned()).increment(1);
    gauge!(IN_FLIGHT).increment(1.0);
}

/// The output of a message was acknowledged: `started` is when it was
/// handed to the producer, `timestamp_ms` the input message's timestamp.
pub fn acknowledged(record: &OutputRecord, started: Instant, timestamp_ms: Option<i64>) {
    match &record.outcome {
        Outcome::Enriched { .. } => counter!(ENRICHED).increment(1),
        Outcome::DeadLettered { kind } => {
            counter!(DEAD_LETTERED, "kind" => kind.clone()).increment(1)
        }
    }
    counter!(PRODUCED, "topic" => record.topic.clone()).increment(1);
    gauge!(IN_FLIGHT).decrement(1.0);
    metrics::histogram!(PRODUCE_SECONDS).record(started.elapsed());
    if let Some(age) = timestamp_ms.and_then(age_of) {
        metrics::histogram!(END_TO_END_SECONDS).record(age);
    }
}

/// How long ago `timestamp_ms` (milliseconds since the epoch) was; `None`
/// when in the future (clock skew between hosts).
fn age_of(timestamp_ms: i64) -> Option<Duration> {
    let now = chrono::Utc::now().timestamp_millis();
    u64::try_from(now.checked_sub(timestamp_ms)?)
        .ok()
        .map(Duration::from_millis)
}

/// `n` messages were given up at a drain timeout: no longer in flight.
pub fn abandoned(n: usize) {
    gauge!(IN_FLIGHT).decrement(n as f64);
}

/// A produce attempt failed and will be retried.
pub fn produce_retried() {
    counter!(PRODUCE_RETRIES).increment(1);
}

/// Runs `f`, recording its duration in histogram `name`.
pub fn timed<T>(name: &'static str, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let out = f();
    metrics::histogram!(name).record(started.elapsed());
    out
}

/// What the core found in one article, counted once it is serialized.
#[derive(Debug, Clone, Copy)]
pub struct Extracted {
    quotes: usize,
    people: usize,
    organizations: usize,
    places: usize,
}

impl Extracted {
    pub fn of(article: &enricher_core::EnrichedArticle) -> Self {
        Self {
            quotes: article
                .quotes
                .iter()
                .filter(|q| q.kind == enricher_core::enriched::QuoteKind::Direct)
                .count(),
            people: article.entities.people.len(),
            organizations: article.entities.organizations.len(),
            places: article.entities.places.len(),
        }
    }

    pub fn record(self) {
        counter!(QUOTES).increment(self.quotes as u64);
        for (kind, n) in [
            ("person", self.people),
            ("organization", self.organizations),
            ("place", self.places),
        ] {
            counter!(ENTITIES, "type" => kind).increment(n as u64);
        }
    }
}

/// An offset commit completed (`ok`) or failed.
pub fn commit(ok: bool) {
    counter!(if ok { COMMITS } else { COMMIT_FAILURES }).increment(1);
}

/// A rebalance of kind `assign`, `revoke` or `error`.
pub fn rebalance(kind: &'static str) {
    counter!(REBALANCES, "kind" => kind).increment(1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_direct_quotes_are_counted() {
        let text =
            "Ann Lee said that the plan would work.\n\n“We will fix every road,” Ann Lee said.";
        let raw = enricher_core::decode(text.as_bytes(), None, &Default::default()).unwrap();
        let article = enricher_core::enrich(raw);
        let kinds: Vec<_> = article.quotes.iter().map(|q| q.kind).collect();
        assert_eq!(
            kinds.len(),
            2,
            "one direct and one indirect quote: {kinds:?}"
        );
        assert_eq!(Extracted::of(&article).quotes, 1);
    }

    #[test]
    fn ages_are_measured_and_the_future_is_ignored() {
        let now = chrono::Utc::now().timestamp_millis();
        let age = age_of(now - 2_000).unwrap();
        assert!(
            age >= Duration::from_secs(2) && age < Duration::from_secs(10),
            "{age:?}"
        );
        assert_eq!(age_of(now + 60_000), None);
    }

    #[test]
    fn names_follow_prometheus_conventions() {
        for counter in [
            CONSUMED,
            ENRICHED,
            DEAD_LETTERED,
            PRODUCED,
            PRODUCE_RETRIES,
            COMMITS,
            COMMIT_FAILURES,
            REBALANCES,
            QUOTES,
            ENTITIES,
        ] {
            assert!(counter.ends_with("_total"), "{counter}");
        }
        for histogram in [
            DECODE_SECONDS,
            ENRICH_SECONDS,
            PRODUCE_SECONDS,
            END_TO_END_SECONDS,
        ] {
            assert!(histogram.ends_with("_seconds"), "{histogram}");
        }
        assert!(GIT_SHA == "unknown" || GIT_SHA.chars().all(|c| c.is_ascii_hexdigit()));
    }
}
