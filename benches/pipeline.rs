//! Pipeline benchmark: the real worker binary against a real broker.
//!
//! `scripts/bench-pipeline.sh [--quick] [--n=50000] [--rate=1000] ...` (or
//! `cargo bench --bench pipeline -- ...`). Starts a Tansu broker (sqlite
//! storage as in the tests, or `--storage=memory`; the test harness's
//! `tests/support`) per case, produces raw
//! articles, runs `target/release/article-enricher run` as a child process
//! and prints figures. It is not a pass/fail test: under `cargo test` it
//! only says how to run it.
//!
//! Cases (`--cases=` a comma-separated subset, default all):
//! - `saturation`: N articles pre-produced, then the worker started; for
//!   the enriching worker and for the pass-through one (`worker.enrich =
//!   false`), each on a fresh broker. Also the produce-only (the
//!   pre-produce) and consume-only (a plain consumer reading the N inputs)
//!   baselines against the same broker.
//! - `rate`: the worker running, articles offered at a fixed rate;
//!   end-to-end latency percentiles, enriching and pass-through.
//! - `large`: 1 MiB bodies, saturation; peak RSS.
//! - `slow`: the worker's output throttled (see [`SLOW_OUTPUT`]); peak RSS.
//! - `replay`: N articles pre-produced, then the backfill command
//!   (`replay --from earliest --to now`) timed from its start to its exit.
//!
//! Latency is input CreateTime → output CreateTime: the bench sets each
//! input's timestamp to the wall clock when it hands the message to its
//! producer; the worker's producer stamps each output when the worker
//! enqueues it (librdkafka's default). Both on this machine's clock, in
//! milliseconds. The rate case reads the outputs once every input is in
//! (`--reader=after`, the default), so that the broker serves the worker
//! alone meanwhile: on Tansu's sqlite storage a reader costs the broker a
//! header query per record, on the same two cores. With `--reader=live`
//! it reads beside the producer and also prints input CreateTime → the
//! moment the bench received the output ("seen").
//!
//! `--rounds=N` runs the saturation and rate cases N times, the two modes
//! in turn (pass-through first in odd rounds, enriching first in even
//! ones), and summarises the ratio and p99 of every round: the machine's
//! speed drifts ~20 % within minutes, and one pair of runs is one draw.
//!
//! `--worker-cpus=LIST` runs the worker under `taskset -c LIST` (e.g. `1`):
//! here the broker shares the worker's two cores, and a worker kept to
//! one of them leaves the broker the other, as a host shared with a busy
//! neighbour would be set up. The worker sizes its pool of enrichment
//! threads to the cores it may use.
//!
//! `--enrich-threads=N` sets the worker's `worker.enrich_threads`: N
//! threads enrich, and the scheduler places them and the broker freely.

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use article_enricher::pipeline::kafka_config::set_delivery;
use rdkafka::client::ClientContext;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Message, Timestamp};
use rdkafka::producer::{BaseRecord, DeliveryResult, Producer, ProducerContext, ThreadedProducer};
use rdkafka::{Offset, TopicPartitionList};
use serde_json::{Map, Value};
use support::{Broker, Storage, Topics};

/// Worker producer properties of the slow-output case: at most 10 outputs
/// queued in librdkafka, and a batch (up to 100) is sent only when full or
/// after 1 s, so the queue never fills a batch: about 10 outputs per second
/// leave the worker while its input is available at full speed. The worker
/// waits on its full producer queue (its real back-pressure path), its
/// partition tasks stop at `worker.max_in_flight`, and librdkafka's
/// consumer prefetch fills up to its limits.
const SLOW_OUTPUT: &str = r#"
"linger.ms" = "1000"
"batch.num.messages" = "100"
"queue.buffering.max.messages" = "10"
"#;

const INPUT_PARTITIONS: i32 = 2;

/// The worker's consumer properties unless `--consumer-props` says
/// otherwise. Tansu answers a fetch only after the whole
/// `fetch.wait.max.ms` (librdkafka's default is 500 ms), even when records
/// are there; a Kafka broker answers as soon as it has them. 10 ms is what
/// config/default.toml advises against Tansu.
const TANSU_FETCH_WAIT: &str = "fetch.wait.max.ms=10";

struct Opts {
    n: usize,
    rates: Vec<f64>,
    rate_secs: f64,
    large_n: usize,
    large_bytes: usize,
    slow_n: usize,
    slow_secs: f64,
    cases: Vec<String>,
    /// Worker modes of the saturation and rate cases: `pass-through`, `enrich`.
    modes: Vec<String>,
    /// worker.max_in_flight of every worker run.
    max_in_flight: String,
    /// Extra librdkafka properties of the worker, `k=v;k=v`.
    consumer_props: String,
    producer_props: String,
    /// Tansu's storage engine: `sqlite` (as the tests, the default) or
    /// `memory` (no SQL per request: shows what sqlite costs the figures).
    storage: Storage,
    /// The worker binary: this build's (the default), or another build's
    /// (`--worker=PATH`), to compare two builds in the same minutes.
    worker: String,
    /// The rate case's output reader: `after` (once every input is
    /// acknowledged, the default) or `live` (beside the producer).
    reader_after: bool,
    /// How many times the saturation and rate cases run, their modes in
    /// turn: the machine's speed drifts by minutes, so one pair is one draw.
    rounds: usize,
    /// The CPUs the worker may run on (`taskset -c` syntax), or all.
    worker_cpus: Option<String>,
    /// The worker's `worker.enrich_threads`, or its default.
    enrich_threads: Option<String>,
}

impl Opts {
    fn parse() -> Option<Self> {
        let args: Vec<String> = std::env::args().skip(1).collect();
        if !args.iter().any(|a| a == "--bench") {
            return None;
        }
        let quick = args.iter().any(|a| a == "--quick");
        let mut o = Self {
            n: 50_000,
            rates: vec![1_000.0],
            rate_secs: 30.0,
            large_n: 200,
            large_bytes: 1 << 20,
            slow_n: 20_000,
            slow_secs: 30.0,
            cases: vec![],
            modes: vec![],
            max_in_flight: "64".into(),
            consumer_props: TANSU_FETCH_WAIT.into(),
            producer_props: String::new(),
            storage: Storage::Sqlite,
            worker: env!("CARGO_BIN_EXE_article-enricher").to_owned(),
            reader_after: true,
            rounds: 1,
            worker_cpus: None,
            enrich_threads: None,
        };
        if quick {
            // Small sizes and short runs: a minute or two in all.
            (o.n, o.rates, o.rate_secs) = (2_000, vec![500.0], 6.0);
            (o.large_n, o.slow_n, o.slow_secs) = (10, 2_000, 8.0);
        }
        for a in &args {
            let Some((k, v)) = a.split_once('=') else {
                continue;
            };
            let num = || {
                v.parse::<f64>()
                    .unwrap_or_else(|_| panic!("{a}: not a number"))
            };
            match k {
                "--n" => o.n = num() as usize,
                "--rate" => {
                    o.rates = v
                        .split(',')
                        .map(|r| r.parse().unwrap_or_else(|_| panic!("{a}: not a number")))
                        .collect()
                }
                "--max-in-flight" => o.max_in_flight = v.to_owned(),
                "--consumer-props" => o.consumer_props = v.to_owned(),
                "--producer-props" => o.producer_props = v.to_owned(),
                "--rate-secs" => o.rate_secs = num(),
                "--large-n" => o.large_n = num() as usize,
                "--large-bytes" => o.large_bytes = num() as usize,
                "--slow-n" => o.slow_n = num() as usize,
                "--slow-secs" => o.slow_secs = num(),
                "--cases" => o.cases = v.split(',').map(str::to_owned).collect(),
                "--modes" => o.modes = v.split(',').map(str::to_owned).collect(),
                "--worker" => o.worker = v.to_owned(),
                "--rounds" => o.rounds = (num() as usize).max(1),
                "--worker-cpus" => o.worker_cpus = Some(v.to_owned()),
                "--enrich-threads" => o.enrich_threads = Some(v.to_owned()),
                "--reader" => {
                    o.reader_after = match v {
                        "live" => false,
                        "after" => true,
                        _ => panic!("--reader: {v} is neither live nor after"),
                    }
                }
                "--storage" => {
                    o.storage = match v {
                        "sqlite" => Storage::Sqlite,
                        "memory" => Storage::Memory,
                        _ => panic!("--storage: {v} is neither sqlite nor memory"),
                    }
                }
                _ => panic!("unknown option {k}"),
            }
        }
        if o.modes.is_empty() {
            o.modes = ["pass-through", "enrich"].map(str::to_owned).to_vec();
        }
        for m in &o.modes {
            assert!(
                m == "pass-through" || m == "enrich",
                "--modes: {m} is neither pass-through nor enrich"
            );
        }
        if o.cases.is_empty() {
            o.cases = ["saturation", "rate", "large", "slow", "replay"]
                .map(str::to_owned)
                .to_vec();
        }
        Some(o)
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// The 1-, 5- and 15-minute load averages, as `/proc/loadavg` has them.
fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A fresh broker, checked to have the header index the test harness adds
/// after its first start (`support::index_headers`): without it every
/// fetched record scans all headers and the broker, not the worker, sets
/// the figures. Also checks that sqlite plans Tansu's header lookup
/// (`header_fetch.sql`) as a search on that index; the plan is printed
/// with the first broker. A `memory://` broker has no tables to check.
fn start_broker(opts: &Opts) -> Broker {
    static PRINTED: std::sync::Once = std::sync::Once::new();
    let broker = Broker::start_with(opts.storage);
    if opts.storage == Storage::Memory {
        PRINTED.call_once(|| {
            println!("broker: Tansu, memory storage (--storage=memory: not the tests' sqlite)");
        });
        return broker;
    }
    let db = broker.dir.path().join("tansu.db");
    let c = rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap_or_else(|e| panic!("cannot open {}: {e}", db.display()));
    c.busy_timeout(Duration::from_secs(10)).unwrap();
    let indexes: Vec<String> = c
        .prepare("select name from sqlite_master where type = 'index' and tbl_name = 'header'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut plan = c
        .prepare(
            "explain query plan select h.k, h.v from header h \
             join record r on h.topition = r.topition and h.offset_id = r.offset_id \
             join topition tp on tp.id = r.topition join topic t on tp.topic = t.id \
             join cluster c on t.cluster = c.id \
             where c.name = ?1 and t.name = ?2 and tp.partition = ?3 and r.offset_id = ?4",
        )
        .unwrap();
    let steps: Vec<String> = plan
        .query_map([None::<String>, None, None, None], |r| r.get(3))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let header_step = steps
        .iter()
        .find(|s| s.contains(" h ") || s.ends_with(" h"))
        .cloned()
        .unwrap_or_default();
    assert!(
        header_step.contains("USING INDEX") || header_step.contains("USING COVERING INDEX"),
        "Tansu's header lookup is not an index search (indexes on header: {indexes:?}; plan: {steps:?})"
    );
    PRINTED.call_once(|| {
        println!("broker: Tansu, sqlite storage; indexes on its header table: {indexes:?}; header lookup planned as {header_step:?} (checked on every broker start)");
    });
    broker
}

/// The raw events: JSON objects of the corpus without PolNeAR's
/// annotations ([`GOLD`]), each sent with its own id.
struct Corpus {
    source: String,
    docs: Vec<Map<String, Value>>,
}

/// PolNeAR's annotations: the scorer's answers, not fields a crawler's
/// article event has. Kept, they made each event ~40 % larger and went
/// through the worker's unknown-field path (parsed and written out again),
/// which cost the enriching worker ~15 % more CPU per event in runs up to
/// Z4; the core bench leaves them out too.
const GOLD: [&str; 2] = ["quotes", "attributions"];

impl Corpus {
    fn load() -> Self {
        let root = support::root();
        let shared = root.join("../shared/data/polnear-train.jsonl");
        let (source, text) = if shared.is_file() {
            (
                "../shared/data/polnear-train.jsonl (PolNeAR train articles as JSON events, ids replaced, without the gold `quotes` and `attributions`)".to_owned(),
                std::fs::read_to_string(&shared).unwrap(),
            )
        } else {
            (
                "tests/fixtures/articles.jsonl (../shared/data absent)".to_owned(),
                std::fs::read_to_string(root.join("tests/fixtures/articles.jsonl")).unwrap(),
            )
        };
        let docs: Vec<Map<String, Value>> = text
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter_map(|v| match v {
                Value::Object(m) if m.get("text").is_some_and(Value::is_string) => Some(m),
                _ => None,
            })
            .map(|mut m| {
                for field in GOLD {
                    m.remove(field);
                }
                m
            })
            .collect();
        assert!(!docs.is_empty(), "no articles in {source}");
        Self { source, docs }
    }

    fn event(&self, i: usize, id: &str) -> Vec<u8> {
        let mut doc = self.docs[i % self.docs.len()].clone();
        doc.insert("id".into(), Value::String(id.to_owned()));
        serde_json::to_vec(&doc).unwrap()
    }

    /// An event whose text is about `bytes` long, made of corpus texts.
    fn large_event(&self, i: usize, id: &str, bytes: usize) -> Vec<u8> {
        let mut text = String::with_capacity(bytes + 16_384);
        let mut j = i;
        while text.len() < bytes {
            text.push_str(self.docs[j % self.docs.len()]["text"].as_str().unwrap());
            text.push_str("\n\n");
            j += 1;
        }
        let mut cut = bytes;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        serde_json::to_vec(
            &serde_json::json!({"id": id, "title": format!("Large article {i}"), "text": text}),
        )
        .unwrap()
    }
}

/// Counts the bench producer's acknowledgements.
#[derive(Default)]
struct Acks {
    ok: AtomicU64,
    failed: AtomicU64,
}

impl ClientContext for Acks {}

impl ProducerContext for Acks {
    type DeliveryOpaque = ();
    fn delivery(&self, r: &DeliveryResult<'_>, _: ()) {
        match r {
            Ok(_) => self.ok.fetch_add(1, Ordering::Relaxed),
            Err((e, _)) => {
                if self.failed.fetch_add(1, Ordering::Relaxed) == 0 {
                    eprintln!("bench producer: delivery failed: {e}");
                }
                0
            }
        };
    }
}

struct Input {
    producer: ThreadedProducer<Acks>,
    topic: String,
}

impl Input {
    fn new(broker: &Broker, topic: &str) -> Self {
        // Sent as the worker sends (not idempotent: librdkafka's idempotent
        // producer busy-polls while its requests are in flight, which would
        // take CPU from the worker during the rate case).
        let mut config = broker.client_config();
        let producer = set_delivery(&mut config)
            .set("queue.buffering.max.messages", "100000")
            .set("message.max.bytes", "16777216")
            .set("message.timeout.ms", "300000")
            .create_with_context(Acks::default())
            .unwrap();
        Self {
            producer,
            topic: topic.to_owned(),
        }
    }

    /// Sends with CreateTime = now; returns the timestamp.
    fn send(&self, key: &str, payload: &[u8]) -> i64 {
        loop {
            let ts = now_ms();
            let r: BaseRecord<'_, str, [u8]> = BaseRecord::to(&self.topic)
                .key(key)
                .payload(payload)
                .timestamp(ts);
            match self.producer.send(r) {
                Ok(()) => return ts,
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), _)) => {
                    std::thread::sleep(Duration::from_millis(1))
                }
                Err((e, _)) => panic!("cannot produce: {e}"),
            }
        }
    }

    fn flush(&self) {
        self.producer
            .flush(Duration::from_secs(600))
            .expect("input acknowledged");
        let failed = self.producer.context().failed.load(Ordering::Relaxed);
        assert_eq!(failed, 0, "{failed} inputs were not acknowledged");
    }
}

/// One output as the bench saw it.
#[derive(Clone, Copy)]
struct Seen {
    idx: usize,
    /// Output timestamp (ms) and whether it is CreateTime.
    ts: i64,
    create_time: bool,
    /// When the bench's consumer got it (ms).
    seen: i64,
    bytes: usize,
    dead: bool,
}

fn consumer(broker: &Broker) -> BaseConsumer {
    broker
        .client_config()
        .set("group.id", support::unique("bench-reader"))
        .set("enable.auto.commit", "false")
        .set("fetch.wait.max.ms", "10")
        .set("fetch.message.max.bytes", "16777216")
        .create()
        .unwrap()
}

/// Reads the output and dead-letter topics from the beginning until `n`
/// distinct inputs have an output, or `idle` passes without any output, or
/// `budget` passes.
fn read_outputs(
    broker: &Broker,
    topics: &Topics,
    n: usize,
    idle: Duration,
    budget: Duration,
) -> Vec<Seen> {
    let c = consumer(broker);
    c.assign(&support::output_assignment(topics)).unwrap();
    let start = Instant::now();
    let mut last = Instant::now();
    let mut out = Vec::with_capacity(n);
    let mut distinct = HashSet::with_capacity(n);
    while distinct.len() < n && last.elapsed() < idle && start.elapsed() < budget {
        let Some(r) = c.poll(Duration::from_millis(50)) else {
            continue;
        };
        let m = match r {
            Ok(m) => m,
            Err(e) => {
                eprintln!("bench reader: {e}");
                continue;
            }
        };
        let seen = now_ms();
        last = Instant::now();
        let key = std::str::from_utf8(m.key().unwrap_or_default()).unwrap_or("");
        let Some(idx) = key.rsplit('-').next().and_then(|i| i.parse().ok()) else {
            eprintln!("bench reader: an output with key {key:?}");
            continue;
        };
        let (ts, create_time) = match m.timestamp() {
            Timestamp::CreateTime(t) => (t, true),
            Timestamp::LogAppendTime(t) => (t, false),
            Timestamp::NotAvailable => (seen, false),
        };
        distinct.insert(idx);
        out.push(Seen {
            idx,
            ts,
            create_time,
            seen,
            bytes: m.payload_len(),
            dead: m.topic() == topics.dead_letter,
        });
    }
    out
}

fn percentile(sorted: &[i64], p: f64) -> i64 {
    if sorted.is_empty() {
        return -1;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn sorted(mut v: Vec<i64>) -> Vec<i64> {
    v.sort_unstable();
    v
}

/// p50, p95, p99 and max of latencies already sorted.
fn latencies(v: &[i64]) -> String {
    format!(
        "p50 {} ms, p95 {} ms, p99 {} ms, max {} ms",
        percentile(v, 0.50),
        percentile(v, 0.95),
        percentile(v, 0.99),
        v.last().copied().unwrap_or(-1)
    )
}

/// The worst latency (input CreateTime → output timestamp) of the inputs
/// sent in each second of a run, in ms: shows whether the tail comes from
/// a steady queue or from stalls, and when.
fn latency_by_second(seen: &[Seen], sent_ts: &[i64]) -> String {
    let Some(t0) = sent_ts.iter().min() else {
        return String::new();
    };
    let secs = sent_ts.iter().map(|t| (t - t0) / 1000).max().unwrap_or(0) as usize + 1;
    let mut worst = vec![-1i64; secs];
    for s in seen {
        let b = ((sent_ts[s.idx] - t0) / 1000) as usize;
        worst[b] = worst[b].max(s.ts - sent_ts[s.idx]);
    }
    worst
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// VmHWM and VmRSS of a process, in MiB.
fn rss(pid: Option<u32>) -> (f64, f64) {
    let Some(pid) = pid else { return (-1.0, -1.0) };
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(-1.0, |kb| kb / 1024.0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

/// What one worker run produced, summarised.
struct RunFigures {
    label: String,
    outputs: usize,
    distinct: usize,
    dead: usize,
    in_bytes: u64,
    out_bytes: u64,
    /// Outputs per second between the first and last output timestamps.
    per_sec: f64,
    in_mb_per_sec: f64,
    wall: f64,
    lat_ts: String,
    /// p99 of input CreateTime → output timestamp, ms (for the rounds' summary).
    p99: i64,
    lat_seen: String,
    hwm: f64,
    broker_hwm: f64,
    ts_kind: &'static str,
    /// The broker's CPU per output over the run, ms, where it was
    /// measured (the saturation case): what bounds the ratio when the
    /// broker is the bottleneck.
    broker_ms_per_output: Option<f64>,
}

impl RunFigures {
    fn print(&self) {
        println!(
            "  {}: {} outputs ({} distinct, {} dead letters), {:.0} articles/s, {:.2} MB/s of input ({:.1} MB in, {:.1} MB out), {:.1} s wall from worker start",
            self.label, self.outputs, self.distinct, self.dead, self.per_sec, self.in_mb_per_sec,
            mb(self.in_bytes), mb(self.out_bytes), self.wall
        );
        println!(
            "    latency (input CreateTime → output {}): {}",
            self.ts_kind, self.lat_ts
        );
        println!(
            "    latency (input CreateTime → seen by the bench): {}",
            self.lat_seen
        );
        println!(
            "    peak RSS (VmHWM): worker {:.1} MiB, broker {:.1} MiB",
            self.hwm, self.broker_hwm
        );
    }
}

fn summarise(
    label: &str,
    seen: &[Seen],
    sent_ts: &[i64],
    in_sizes: &[usize],
    started_ms: i64,
    hwm: f64,
    broker_hwm: f64,
) -> RunFigures {
    let distinct: HashSet<usize> = seen.iter().map(|s| s.idx).collect();
    let first = seen.iter().map(|s| s.ts).min().unwrap_or(0);
    let last = seen.iter().map(|s| s.ts).max().unwrap_or(0);
    let span = ((last - first) as f64 / 1000.0).max(1e-3);
    let in_bytes: u64 = distinct.iter().map(|&i| in_sizes[i] as u64).sum();
    let last_seen = seen.iter().map(|s| s.seen).max().unwrap_or(started_ms);
    let lat = sorted(seen.iter().map(|s| s.ts - sent_ts[s.idx]).collect());
    RunFigures {
        label: label.to_owned(),
        outputs: seen.len(),
        distinct: distinct.len(),
        dead: seen.iter().filter(|s| s.dead).count(),
        in_bytes,
        out_bytes: seen.iter().map(|s| s.bytes as u64).sum(),
        per_sec: (seen.len().saturating_sub(1)) as f64 / span,
        in_mb_per_sec: mb(in_bytes) / span,
        wall: (last_seen - started_ms) as f64 / 1000.0,
        lat_ts: latencies(&lat),
        p99: percentile(&lat, 0.99),
        lat_seen: latencies(&sorted(
            seen.iter().map(|s| s.seen - sent_ts[s.idx]).collect(),
        )),
        hwm,
        broker_hwm,
        broker_ms_per_output: None,
        ts_kind: if seen.iter().all(|s| s.create_time) {
            "CreateTime"
        } else {
            "timestamp (not all CreateTime!)"
        },
    }
}

/// A fresh broker with the bench's topics, and `n` events already in the
/// input topic: event `i` is `make(i, key)`, sent with key `{prefix}-{i}`.
fn with_backlog(
    opts: &Opts,
    n: usize,
    prefix: &str,
    make: impl Fn(usize, &str) -> Vec<u8>,
) -> (Broker, Topics, Produced) {
    let broker = start_broker(opts);
    let topics = Topics::create(&broker, "bench", INPUT_PARTITIONS);
    let produced = pre_produce(&broker, &topics.input, n, prefix, make);
    (broker, topics, produced)
}

/// Pre-produces `n` events built by `make` (see [`with_backlog`]).
fn pre_produce(
    broker: &Broker,
    topic: &str,
    n: usize,
    prefix: &str,
    make: impl Fn(usize, &str) -> Vec<u8>,
) -> Produced {
    let input = Input::new(broker, topic);
    let mut ts = Vec::with_capacity(n);
    let mut sizes = Vec::with_capacity(n);
    let started = Instant::now();
    for i in 0..n {
        let key = format!("{prefix}-{i}");
        let payload = make(i, &key);
        sizes.push(payload.len());
        ts.push(input.send(&key, &payload));
    }
    input.flush();
    let secs = started.elapsed().as_secs_f64();
    let bytes: u64 = sizes.iter().map(|&s| s as u64).sum();
    println!(
        "  produce-only baseline: {n} articles, {:.1} MB in {secs:.2} s: {:.0} articles/s, {:.2} MB/s (acks=all, one request in flight, linger.ms=5)",
        mb(bytes),
        n as f64 / secs,
        mb(bytes) / secs
    );
    Produced { ts, sizes }
}

/// A plain consumer reads the `n` inputs: what the broker serves.
fn consume_only(broker: &Broker, topic: &str, n: usize) {
    let c = consumer(broker);
    let mut tpl = TopicPartitionList::new();
    for p in 0..INPUT_PARTITIONS {
        tpl.add_partition_offset(topic, p, Offset::Beginning)
            .unwrap();
    }
    c.assign(&tpl).unwrap();
    let started = Instant::now();
    let mut got = 0usize;
    let mut bytes = 0u64;
    let mut first: Option<Instant> = None;
    while got < n && started.elapsed() < Duration::from_secs(600) {
        if let Some(Ok(m)) = c.poll(Duration::from_millis(100)) {
            first.get_or_insert_with(Instant::now);
            got += 1;
            bytes += m.payload_len() as u64;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "  consume-only baseline: {got} articles, {:.1} MB in {secs:.2} s: {:.0} articles/s, {:.2} MB/s (first after {:.2} s)",
        mb(bytes),
        got as f64 / secs,
        mb(bytes) / secs,
        first.map_or(-1.0, |f| (f - started).as_secs_f64())
    );
}

/// The worker binary as a child process: keys through the environment,
/// the librdkafka properties (maps, which the environment cannot carry) in
/// a config file.
struct BenchWorker {
    child: Option<std::process::Child>,
    log_path: std::path::PathBuf,
}

impl BenchWorker {
    fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(std::process::Child::id)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    fn wait_assigned(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !self.log().contains("partitions assigned") {
            assert!(Instant::now() < deadline, "no partitions: {}", self.log());
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for BenchWorker {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn props_toml(extra: &str) -> String {
    extra
        .split(';')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| format!("\"{}\" = \"{}\"\n", k.trim(), v.trim()))
        .collect()
}

fn start_worker(
    broker: &Broker,
    topics: &Topics,
    name: &str,
    enrich: bool,
    producer_props: &str,
    opts: &Opts,
    command: &[&str],
) -> BenchWorker {
    let dir = broker.dir.path();
    let config = dir.join(format!("{name}.toml"));
    let toml = format!(
        "[kafka.properties]\n\"broker.address.family\" = \"v4\"\n\
         [kafka.consumer_properties]\n{}\
         [kafka.producer_properties]\n\"message.max.bytes\" = \"16777216\"\n{}{}",
        props_toml(&opts.consumer_props),
        props_toml(&opts.producer_props),
        producer_props
    );
    std::fs::write(&config, toml).unwrap();
    let log_path = dir.join(format!("{name}.log"));
    let log = std::fs::File::create(&log_path).unwrap();
    let mut command_line = match &opts.worker_cpus {
        Some(cpus) => {
            let mut c = std::process::Command::new("taskset");
            c.args(["-c", cpus]).arg(&opts.worker);
            c
        }
        None => std::process::Command::new(&opts.worker),
    };
    if let Some(threads) = &opts.enrich_threads {
        command_line.env("ARTICLE_ENRICHER__WORKER__ENRICH_THREADS", threads);
    }
    let child = command_line
        .arg("--config")
        .arg(&config)
        .args(command)
        .env("ARTICLE_ENRICHER__KAFKA__BROKERS", &broker.bootstrap)
        .env("ARTICLE_ENRICHER__KAFKA__GROUP_ID", &topics.group)
        .env("ARTICLE_ENRICHER__TOPICS__INPUT", &topics.input)
        .env("ARTICLE_ENRICHER__TOPICS__OUTPUT", &topics.output)
        .env("ARTICLE_ENRICHER__TOPICS__DEAD_LETTER", &topics.dead_letter)
        .env(
            "ARTICLE_ENRICHER__WORKER__MAX_IN_FLIGHT",
            &opts.max_in_flight,
        )
        // The operations endpoint on a free port, so that runs never collide.
        .env("ARTICLE_ENRICHER__HTTP__LISTEN", "127.0.0.1:0")
        .env(
            "ARTICLE_ENRICHER__WORKER__ENRICH",
            if enrich { "true" } else { "false" },
        )
        .env(
            "RUST_LOG",
            std::env::var("TEST_WORKER_LOG")
                .unwrap_or_else(|_| "warn,article_enricher=info".into()),
        )
        .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
        .stdin(std::process::Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot start the worker {} ({e}): build it with `cargo build --release`, \
                 or check --worker (and, with --worker-cpus, that `taskset` is installed)",
                opts.worker
            )
        });
    BenchWorker {
        child: Some(child),
        log_path,
    }
}

/// CPU seconds (user + system) a process has used.
fn cpu_secs(pid: Option<u32>) -> f64 {
    let Some(pid) = pid else { return -1.0 };
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name in parentheses: utime is the 12th, stime the 13th.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    // SAFETY: sysconf has no preconditions.
    let tck = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    (f.get(11).unwrap_or(&0.0) + f.get(12).unwrap_or(&0.0)) / tck
}

/// Where the CPU went during a worker run.
struct CpuWatch {
    broker0: f64,
    /// The bench's own clients (its producer and reader) run in this process.
    bench0: f64,
    wall0: Instant,
    load0: String,
}

impl CpuWatch {
    fn start(broker: &Broker) -> Self {
        Self {
            broker0: cpu_secs(broker.pid()),
            bench0: cpu_secs(Some(std::process::id())),
            wall0: Instant::now(),
            load0: loadavg(),
        }
    }

    fn usage(&self, broker: &Broker, worker: &BenchWorker, outputs: usize) -> CpuUsage {
        let wall = self.wall0.elapsed().as_secs_f64();
        let w = cpu_secs(worker.pid());
        let b = cpu_secs(broker.pid()) - self.broker0;
        let broker_ms_per_output = 1000.0 * b / outputs.max(1) as f64;
        let line = format!(
            "    CPU over the {wall:.1} s of the run: worker {w:.1} s ({:.0} % of a core, {:.2} ms per output), broker {b:.1} s ({:.0} % of a core, {broker_ms_per_output:.2} ms per output)",
            100.0 * w / wall,
            1000.0 * w / outputs.max(1) as f64,
            100.0 * b / wall,
        ) + &format!(
            ", the bench's own clients {:.1} s ({:.0} % of a core)",
            cpu_secs(Some(std::process::id())) - self.bench0,
            100.0 * (cpu_secs(Some(std::process::id())) - self.bench0) / wall
        ) + &format!(
            "\n    load average (1, 5, 15 min) at the worker's start {}, at the end {}",
            self.load0,
            loadavg()
        );
        CpuUsage {
            line,
            broker_ms_per_output,
        }
    }
}

/// What [`CpuWatch::usage`] measured: the line it prints, and the broker's
/// CPU per output, which the saturation case compares across modes.
struct CpuUsage {
    line: String,
    broker_ms_per_output: f64,
}

fn stop_worker(mut w: BenchWorker) -> (f64, f64) {
    let r = rss(w.pid());
    if let Some(mut c) = w.child.take() {
        let _ = c.kill();
        let _ = c.wait();
    }
    r
}

/// Saturation: pre-produce, then start the worker.
fn saturation(opts: &Opts, corpus: &Corpus, enrich: bool, baselines: bool) -> RunFigures {
    let label = if enrich { "enrich" } else { "pass-through" };
    println!(
        "saturation, {label}: {} articles pre-produced, then the worker started",
        opts.n
    );
    let prefix = format!("s{}", u8::from(enrich));
    let (broker, topics, input) =
        with_backlog(opts, opts.n, &prefix, |i, key| corpus.event(i, key));
    if baselines {
        consume_only(&broker, &topics.input, opts.n);
    }
    drain(&broker, &topics, opts, label, enrich, &input, 60)
}

/// Inputs already in the topic: their CreateTimes and sizes, by index.
struct Produced {
    ts: Vec<i64>,
    sizes: Vec<usize>,
}

/// Starts a worker on pre-produced input, reads its outputs until every
/// input has one (or `idle_secs` pass without any), stops it and prints the
/// figures.
fn drain(
    broker: &Broker,
    topics: &Topics,
    opts: &Opts,
    label: &str,
    enrich: bool,
    input: &Produced,
    idle_secs: u64,
) -> RunFigures {
    let started = now_ms();
    let watch = CpuWatch::start(broker);
    let worker = start_worker(broker, topics, label, enrich, "", opts, &["run"]);
    let seen = read_outputs(
        broker,
        topics,
        input.ts.len(),
        Duration::from_secs(idle_secs),
        Duration::from_secs(3600),
    );
    let cpu = watch.usage(broker, &worker, seen.len());
    let (hwm, _) = stop_worker(worker);
    let (bhwm, _) = rss(broker.pid());
    let mut f = summarise(label, &seen, &input.ts, &input.sizes, started, hwm, bhwm);
    f.broker_ms_per_output = Some(cpu.broker_ms_per_output);
    f.print();
    println!("{}", cpu.line);
    f
}

/// Backfill: N articles pre-produced, then `article-enricher replay --from
/// earliest --to now`, timed from its start to its exit (start-up, the
/// offset lookups and the final flush and summary included).
fn replay(opts: &Opts, corpus: &Corpus) {
    println!(
        "replay: {} articles pre-produced, then `article-enricher replay --from earliest --to now`, enriching, timed to its exit",
        opts.n
    );
    let (broker, topics, input) = with_backlog(opts, opts.n, "b", |i, key| corpus.event(i, key));
    let broker_cpu0 = cpu_secs(broker.pid());
    let started = Instant::now();
    let started_ms = now_ms();
    let mut worker = start_worker(
        &broker,
        &topics,
        "replay",
        true,
        "",
        opts,
        &["replay", "--from", "earliest", "--to", "now"],
    );
    let child = worker.child.take().expect("the replay runs");
    let (status, usage) = wait_with_usage(child);
    let wall = started.elapsed().as_secs_f64();
    let broker_cpu = cpu_secs(broker.pid()) - broker_cpu0;
    let seen = read_outputs(
        &broker,
        &topics,
        opts.n,
        Duration::from_secs(10),
        Duration::from_secs(600),
    );
    let (bhwm, _) = rss(broker.pid());
    let f = summarise(
        "replay",
        &seen,
        &input.ts,
        &input.sizes,
        started_ms,
        usage.max_rss_mib,
        bhwm,
    );
    f.print();
    let bytes: usize = input.sizes.iter().sum();
    println!(
        "    start to exit ({status}): {wall:.1} s, {:.0} articles/s, {:.2} MB/s of input; worker CPU {:.1} s ({:.0} % of a core, {:.2} ms per article), broker {broker_cpu:.1} s ({:.0} % of a core)",
        opts.n as f64 / wall,
        mb(bytes as u64) / wall,
        usage.cpu_secs,
        100.0 * usage.cpu_secs / wall,
        1000.0 * usage.cpu_secs / opts.n.max(1) as f64,
        100.0 * broker_cpu / wall,
    );
    if status.success() {
        // Its summary: the offset range of each partition and what it did
        // (with memory storage, a stale high watermark shows as a short END).
        let log = worker.log();
        for line in log
            .lines()
            .filter(|l| l.starts_with("replay ") || l.starts_with("  partition "))
        {
            println!("    {line}");
        }
    } else {
        println!("    the replay failed; its log:\n{}", worker.log());
    }
}

/// What a child process used.
struct Usage {
    /// Peak RSS, MiB: its last `VmHWM` read while it ran.
    max_rss_mib: f64,
    /// User + system CPU, seconds (`wait4`).
    cpu_secs: f64,
}

/// How often [`wait_with_usage`] reads the child's `VmHWM`. It is a
/// high-water mark, so only a peak in the last interval before exit can
/// be missed.
const HWM_POLL: Duration = Duration::from_millis(50);

/// Waits for `child` to exit and returns its status with its resource
/// usage. Not `wait4`'s `ru_maxrss` for the peak RSS: Linux carries a high
/// water mark across `exec`, and the child is spawned with the bench's own
/// memory mapped (vfork), so `ru_maxrss` was the bench's RSS (a replay of
/// 50,000 articles "peaked" at 211 MiB, the bench's `VmHWM` when it
/// spawned it, while its own `VmHWM` was 75 MiB).
fn wait_with_usage(child: std::process::Child) -> (std::process::ExitStatus, Usage) {
    use std::os::unix::process::ExitStatusExt;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let mut max_rss_mib = -1.0;
    loop {
        // SAFETY: wait4 on our own child's pid, with valid pointers; the
        // Child is not waited on elsewhere (it is dropped without a wait).
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut ru) };
        if r == pid {
            break;
        }
        assert_eq!(r, 0, "wait4: {}", std::io::Error::last_os_error());
        // Exited and not yet reaped, it has no VmHWM: keep the last one.
        let (hwm, _) = rss(Some(pid as u32));
        if hwm > 0.0 {
            max_rss_mib = hwm;
        }
        std::thread::sleep(HWM_POLL);
    }
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    (
        std::process::ExitStatus::from_raw(status),
        Usage {
            max_rss_mib,
            cpu_secs: secs(ru.ru_utime) + secs(ru.ru_stime),
        },
    )
}

/// A fixed offered rate to a running worker.
fn rate(opts: &Opts, corpus: &Corpus, enrich: bool, rate: f64) -> RunFigures {
    let label = if enrich { "enrich" } else { "pass-through" };
    let n = (rate * opts.rate_secs) as usize;
    println!("rate, {label}: {n} articles offered at {rate} /s");
    let broker = start_broker(opts);
    let topics = Topics::create(&broker, "bench", INPUT_PARTITIONS);
    let watch = CpuWatch::start(&broker);
    let worker = start_worker(&broker, &topics, label, enrich, "", opts, &["run"]);
    worker.wait_assigned();
    // The bench's own producer connects and fetches the topic's metadata
    // before the clock starts: its start-up is not the worker's latency.
    let input = Input::new(&broker, &topics.input);
    input
        .producer
        .client()
        .fetch_metadata(Some(&topics.input), Duration::from_secs(10))
        .expect("metadata of the input topic");
    std::thread::scope(|scope| {
        // The reader runs once every input is in (`--reader=after`), so
        // that the broker serves no reader meanwhile (on Tansu's sqlite
        // storage a reader's fetches cost it a header query per record),
        // or with `--reader=live` beside the producer, so that "seen" is live.
        let read = || {
            read_outputs(
                &broker,
                &topics,
                n,
                Duration::from_secs(60),
                Duration::from_secs(3600),
            )
        };
        let reader = (!opts.reader_after).then(|| scope.spawn(read));
        std::thread::sleep(Duration::from_secs(1));
        let prefix = format!("r{}", u8::from(enrich));
        let mut ts = Vec::with_capacity(n);
        let mut sizes = Vec::with_capacity(n);
        let started = Instant::now();
        let started_ms = now_ms();
        for i in 0..n {
            let due = started + Duration::from_secs_f64(i as f64 / rate);
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
            let payload = corpus.event(i, &format!("{prefix}-{i}"));
            sizes.push(payload.len());
            ts.push(input.send(&format!("{prefix}-{i}"), &payload));
        }
        let offered_secs = started.elapsed().as_secs_f64();
        input.flush();
        println!(
        "  offered {:.0} /s: {n} sent in {offered_secs:.2} s, {:.0} /s achieved by the producer",
        rate,
        n as f64 / offered_secs
    );
        let (seen, cpu) = match reader {
            Some(reader) => {
                let seen = reader.join().unwrap();
                let cpu = watch.usage(&broker, &worker, seen.len());
                (seen, cpu)
            }
            None => {
                // The CPU figures cover the offered load, not the reading.
                std::thread::sleep(Duration::from_millis(500));
                let cpu = watch.usage(&broker, &worker, n);
                (read(), cpu)
            }
        };
        let (hwm, _) = stop_worker(worker);
        let (bhwm, _) = rss(broker.pid());
        let mut f = summarise(label, &seen, &ts, &sizes, started_ms, hwm, bhwm);
        if opts.reader_after {
            f.lat_seen = "not live (--reader=after)".into();
        }
        f.print();
        println!("{}", cpu.line);
        println!(
            "    worst latency (ms) of the inputs sent in each second: {}",
            latency_by_second(&seen, &ts)
        );
        f
    })
}

fn large(opts: &Opts, corpus: &Corpus) {
    println!(
        "large: {} articles of {} bytes of text, pre-produced, enriching worker",
        opts.large_n, opts.large_bytes
    );
    let (broker, topics, input) = with_backlog(opts, opts.large_n, "l", |i, key| {
        corpus.large_event(i, key, opts.large_bytes)
    });
    drain(&broker, &topics, opts, "large", true, &input, 120);
}

fn slow(opts: &Opts, corpus: &Corpus) {
    println!(
        "slow output: {} articles pre-produced, enriching worker with producer properties {} for {} s",
        opts.slow_n,
        SLOW_OUTPUT.trim().replace('\n', ", "),
        opts.slow_secs
    );
    let (broker, topics, input) =
        with_backlog(opts, opts.slow_n, "w", |i, key| corpus.event(i, key));
    let started = now_ms();
    let watch = CpuWatch::start(&broker);
    let worker = start_worker(&broker, &topics, "slow", true, SLOW_OUTPUT, opts, &["run"]);
    let deadline = Instant::now() + Duration::from_secs_f64(opts.slow_secs);
    let mut samples = Vec::new();
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(500));
        samples.push(rss(worker.pid()).1);
    }
    let seen = read_outputs(
        &broker,
        &topics,
        opts.slow_n,
        Duration::from_secs(2),
        Duration::from_secs(5),
    );
    let cpu = watch.usage(&broker, &worker, seen.len());
    let (hwm, last) = stop_worker(worker);
    let (bhwm, _) = rss(broker.pid());
    let f = summarise("slow", &seen, &input.ts, &input.sizes, started, hwm, bhwm);
    f.print();
    println!("{}", cpu.line);
    println!(
        "    worker RSS sampled every 0.5 s: {}; at the end {last:.1} MiB",
        samples
            .iter()
            .step_by((samples.len() / 10).max(1))
            .map(|r| format!("{r:.0}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
}

/// One round's runs of a case: the enriching and the pass-through worker's
/// figures, each when `--modes` asks for it.
struct Round {
    enrich: Option<RunFigures>,
    pass: Option<RunFigures>,
}

impl Round {
    /// The broker's CPU per output, ms, enriching and passing through;
    /// None where the case does not measure it.
    fn broker_ms(&self) -> Option<(f64, f64)> {
        Some((
            self.enrich.as_ref()?.broker_ms_per_output?,
            self.pass.as_ref()?.broker_ms_per_output?,
        ))
    }

    /// When the broker is the bottleneck, the ratio can be no better than
    /// its CPU per passed-through output over its CPU per enriched one: an
    /// enriched output is larger, and even a free enrichment could not
    /// hide what the broker spends writing it. Printed beside each round's
    /// ratio, so that a low ratio shows whether the broker or the worker
    /// set it.
    fn broker_bound(&self) -> Option<f64> {
        let (enriched, passed) = self.broker_ms()?;
        Some(passed / enriched)
    }
}

/// Runs a case `--rounds` times, its modes in turn: pass-through first in
/// the first round, enriching first in the next, and so on, so that a drift
/// of the machine's speed over the rounds favours neither mode. `run` gets
/// the round's number and whether to enrich. Prints each round's ratio.
fn in_rounds(
    opts: &Opts,
    what: &str,
    mut run: impl FnMut(usize, bool) -> RunFigures,
) -> Vec<Round> {
    let mode = |m: &str| opts.modes.iter().any(|x| x == m);
    (0..opts.rounds)
        .map(|round| {
            if opts.rounds > 1 {
                println!("{what}, round {} of {}:", round + 1, opts.rounds);
            }
            // Whether to enrich, in turn: pass-through first in round 0.
            let order = [round % 2 == 1, round % 2 == 0];
            let mut r = Round {
                enrich: None,
                pass: None,
            };
            for enrich in order {
                if mode(if enrich { "enrich" } else { "pass-through" }) {
                    let f = run(round, enrich);
                    *(if enrich { &mut r.enrich } else { &mut r.pass }) = Some(f);
                }
            }
            if let (Some(e), Some(p)) = (&r.enrich, &r.pass) {
                println!(
                    "{what}: enriched / pass-through throughput = {:.2} ({:.0} / {:.0} articles/s)",
                    e.per_sec / p.per_sec,
                    e.per_sec,
                    p.per_sec
                );
                if let (Some((enriched, passed)), Some(bound)) = (r.broker_ms(), r.broker_bound()) {
                    println!(
                        "{what}: broker CPU per output {enriched:.2} ms enriched, {passed:.2} ms passed through: \
                         where the broker is the bound, the ratio can reach ~{bound:.2} at most"
                    );
                }
            }
            r
        })
        .collect()
}

/// With more than one round, what issue 8 asks of the case in every round,
/// the median and how many rounds meet it: the saturation case's ratio
/// (≥ 0.8) and throughputs, or a rate case's p99 per mode (< 50 ms).
fn summarise_rounds(what: &str, rounds: &[Round], latency: bool) {
    if rounds.len() < 2 {
        return;
    }
    let list = |v: &[f64], digits: usize| {
        v.iter()
            .map(|x| format!("{x:.digits$}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let ratios: Vec<f64> = rounds
        .iter()
        .filter_map(|r| Some(r.enrich.as_ref()?.per_sec / r.pass.as_ref()?.per_sec))
        .collect();
    if !latency && !ratios.is_empty() {
        println!(
            "{what} over {} rounds: enriched / pass-through = {} (median {:.2}; ≥ 0.8 in {} of {})",
            ratios.len(),
            list(&ratios, 2),
            median(&ratios),
            ratios.iter().filter(|&&x| x >= 0.8).count(),
            ratios.len()
        );
        let bounds: Vec<f64> = rounds.iter().filter_map(Round::broker_bound).collect();
        if !bounds.is_empty() {
            println!(
                "{what} over {} rounds: the broker's bound on the ratio = {} (median {:.2})",
                bounds.len(),
                list(&bounds, 2),
                median(&bounds)
            );
        }
    }
    for (label, runs) in [
        (
            "enrich",
            rounds
                .iter()
                .filter_map(|r| r.enrich.as_ref())
                .collect::<Vec<_>>(),
        ),
        (
            "pass-through",
            rounds.iter().filter_map(|r| r.pass.as_ref()).collect(),
        ),
    ] {
        if runs.is_empty() {
            continue;
        }
        if latency {
            let p99: Vec<f64> = runs.iter().map(|f| f.p99 as f64).collect();
            println!(
                "{what} over {} rounds, {label}: p99 {} ms (median {:.0}; < 50 ms in {} of {})",
                runs.len(),
                list(&p99, 0),
                median(&p99),
                p99.iter().filter(|&&x| x < 50.0).count(),
                runs.len()
            );
        } else {
            let rate: Vec<f64> = runs.iter().map(|f| f.per_sec).collect();
            println!(
                "{what} over {} rounds, {label}: {} articles/s (median {:.0})",
                runs.len(),
                list(&rate, 0),
                median(&rate)
            );
        }
    }
}

/// The middle value, or the mean of the two middle ones (NaN for none).
fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// Stops the bench at its start when `taskset -c CPUS` cannot run a
/// command, rather than after a case whose worker never started.
fn check_worker_cpus(cpus: &str) {
    let ran = std::process::Command::new("taskset")
        .args(["-c", cpus, "true"])
        .stdout(std::process::Stdio::null())
        .status();
    match ran {
        Ok(status) if status.success() => {}
        Ok(_) => panic!(
            "--worker-cpus={cpus}: `taskset -c {cpus}` refused it; give CPUs of this machine \
             (0 to {}), as a list like 1 or 0,1",
            std::thread::available_parallelism().map_or(1, usize::from) - 1
        ),
        Err(e) => panic!("--worker-cpus needs `taskset` (util-linux), which cannot run: {e}"),
    }
}

fn main() {
    let Some(opts) = Opts::parse() else {
        println!("the pipeline benchmark runs under `cargo bench --bench pipeline` or scripts/bench-pipeline.sh; nothing to do under cargo test");
        return;
    };
    if let Some(cpus) = &opts.worker_cpus {
        check_worker_cpus(cpus);
    }
    let corpus = Corpus::load();
    let avg = corpus
        .docs
        .iter()
        .map(|d| d["text"].as_str().unwrap().len())
        .sum::<usize>()
        / corpus.docs.len();
    println!(
        "corpus: {}: {} articles, mean text {avg} bytes",
        corpus.source,
        corpus.docs.len()
    );
    println!("worker: {}", opts.worker);
    if let Some(cpus) = &opts.worker_cpus {
        println!("worker CPUs: {cpus} (taskset -c)");
    }
    println!(
        "worker librdkafka properties from the command line: consumer {:?}, producer {:?}; worker.max_in_flight {}",
        opts.consumer_props, opts.producer_props, opts.max_in_flight
    );
    println!("load average (1, 5, 15 min) at the start: {}", loadavg());
    println!(
        "machine: {} cores, {}",
        std::thread::available_parallelism().map_or(0, usize::from),
        std::fs::read_to_string("/proc/cpuinfo")
            .unwrap_or_default()
            .lines()
            .find(|l| l.starts_with("model name"))
            .and_then(|l| l.split(':').nth(1))
            .unwrap_or("?")
            .trim()
    );
    let has = |c: &str| opts.cases.iter().any(|x| x == c);
    if has("saturation") {
        let rounds = in_rounds(&opts, "saturation", |round, enrich| {
            saturation(&opts, &corpus, enrich, round == 0)
        });
        summarise_rounds("saturation", &rounds, false);
    }
    if has("rate") {
        for &r in &opts.rates {
            let what = format!("rate {r:.0}/s");
            let rounds = in_rounds(&opts, &what, |_, enrich| rate(&opts, &corpus, enrich, r));
            summarise_rounds(&what, &rounds, true);
        }
    }
    if has("large") {
        large(&opts, &corpus);
    }
    if has("slow") {
        slow(&opts, &corpus);
    }
    if has("replay") {
        replay(&opts, &corpus);
    }
}
