//! Test harness for the Kafka tests: a real Tansu broker per test on a free
//! loopback port with its own sqlite file, topics per test, the worker as a
//! real child process (so SIGTERM and SIGKILL are real), and helpers to
//! produce raw events and read what comes out.
//!
//! Tansu quirks worked around here (never in the worker):
//! - topics are not auto-created: every test creates its own;
//! - `memory://` storage reports stale high watermarks after bursts, so the
//!   harness uses `sqlite://` and never relies on watermarks: it reads until
//!   the expected messages have arrived;
//! - Tansu 0.6.0's sqlite schema has no index on the `header` table, so
//!   every fetched record scans all headers of the database: see
//!   [`index_headers`];
//! - see [`Broker::stop`], `Broker::spawn` and [`nudge_group`] for the others.
//!
//! Debugging knobs (environment): `TEST_TANSU_LOG` (Tansu's `RUST_LOG`,
//! default `warn`), `TEST_WORKER_LOG` (the worker's `RUST_LOG`),
//! `TEST_WORKER_RDKAFKA_DEBUG` (librdkafka `debug` contexts, e.g. `cgrp`).
//! A failing test prints the logs of its workers.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::{Header, Headers, Message, OwnedHeaders, OwnedMessage};
use rdkafka::producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer};
use rdkafka::{Offset, TopicPartitionList};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `$VAR`, or what `scripts/SCRIPT` prints (it installs when missing).
fn ensure(var: &str, script: &str) -> PathBuf {
    if let Some(v) = std::env::var_os(var).filter(|v| !v.is_empty()) {
        return PathBuf::from(v);
    }
    let out = Command::new("bash")
        .arg(root().join("scripts").join(script))
        .stderr(Stdio::inherit())
        .output()
        .unwrap_or_else(|e| panic!("cannot run scripts/{script}: {e}"));
    assert!(out.status.success(), "scripts/{script} failed");
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

pub fn tansu_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| ensure("TANSU_BIN", "ensure-tansu.sh"))
}

pub fn kafka_python() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| ensure("KAFKA_PYTHON", "ensure-kafka-python.sh"))
}

/// A name unique to this test process and call.
pub fn unique(prefix: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    )
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Where a Tansu broker keeps its records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    /// `sqlite://` in the broker's tempdir: data kept over restarts,
    /// watermarks reported right. Every test uses it.
    Sqlite,
    /// `memory://`: nothing kept over a restart and stale high watermarks
    /// after bursts, but no SQL per request. Only the pipeline bench's
    /// `--storage=memory` uses it, to show what sqlite costs the figures.
    Memory,
}

impl Storage {
    fn url(self) -> &'static str {
        match self {
            // Tansu takes the path of a sqlite:// URL as relative (it drops
            // the leading slash of sqlite:///abs): it runs in the tempdir.
            Storage::Sqlite => "sqlite://tansu.db",
            Storage::Memory => "memory://tansu/",
        }
    }
}

/// A Tansu broker on a loopback port, killed on drop.
pub struct Broker {
    pub dir: tempfile::TempDir,
    pub port: u16,
    pub bootstrap: String,
    storage: Storage,
    child: Option<Child>,
    starts: usize,
}

impl Broker {
    pub fn start() -> Self {
        Self::start_with(Storage::Sqlite)
    }

    pub fn start_with(storage: Storage) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let mut b = Self {
            dir,
            port,
            bootstrap: format!("127.0.0.1:{port}"),
            storage,
            child: None,
            starts: 0,
        };
        b.spawn();
        b
    }

    fn spawn(&mut self) {
        self.starts += 1;
        let log = File::create(self.dir.path().join(format!("tansu-{}.log", self.starts))).unwrap();
        let url = format!("tcp://127.0.0.1:{}", self.port);
        let child = Command::new(tansu_bin())
            .arg("broker")
            .arg("--listener-url")
            .arg(&url)
            .arg("--advertised-listener-url")
            .arg(&url)
            .arg("--storage-engine")
            .arg(self.storage.url())
            .current_dir(self.dir.path())
            .arg("--cluster-id")
            .arg("article-enricher-test")
            .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
            .env(
                "RUST_LOG",
                std::env::var("TEST_TANSU_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", tansu_bin().display()));
        self.child = Some(child);
        self.wait_ready();
        if self.starts == 1 && self.storage == Storage::Sqlite {
            // Tansu has created its schema by now, and no client has
            // written yet. The index lives in the file: restarts keep it.
            index_headers(&self.dir.path().join("tansu.db"));
        }
    }

    fn wait_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().unwrap()) {
                panic!("tansu exited ({status}): {}", self.log());
            }
            assert!(
                Instant::now() < deadline,
                "tansu did not listen on {}: {}",
                self.port,
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let c: BaseConsumer = self.client_config().create().unwrap();
        while c.fetch_metadata(None, Duration::from_secs(2)).is_err() {
            assert!(
                Instant::now() < deadline,
                "tansu does not answer: {}",
                self.log()
            );
        }
    }

    /// The broker's logs so far.
    pub fn log(&self) -> String {
        (1..=self.starts)
            .map(|i| {
                std::fs::read_to_string(self.dir.path().join(format!("tansu-{i}.log")))
                    .unwrap_or_default()
            })
            .collect()
    }

    /// Stops the broker abruptly (SIGKILL). Tansu 0.6.0 on SIGTERM shuts
    /// its storage down first but keeps answering requests, with errors,
    /// for seconds, and then does not always exit: a kill is the cleaner
    /// outage.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// The broker's process id while it runs (for its RSS).
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Starts the broker again on the same port and sqlite file.
    pub fn restart(&mut self) {
        self.stop();
        self.spawn();
    }

    pub fn client_config(&self) -> ClientConfig {
        let mut c = ClientConfig::new();
        c.set("bootstrap.servers", &self.bootstrap)
            .set("broker.address.family", "v4")
            .set("log_level", "3");
        c
    }

    /// Creates topics (name, partitions) and waits until metadata shows them.
    pub fn create_topics(&self, topics: &[(&str, i32)]) {
        let admin: AdminClient<DefaultClientContext> = self.client_config().create().unwrap();
        let new: Vec<NewTopic<'_>> = topics
            .iter()
            .map(|(name, p)| NewTopic::new(name, *p, TopicReplication::Fixed(1)))
            .collect();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let results = rt
            .block_on(admin.create_topics(&new, &AdminOptions::new()))
            .expect("create topics");
        for r in results {
            r.unwrap_or_else(|(t, e)| panic!("cannot create topic {t}: {e}"));
        }
        let c: BaseConsumer = self.client_config().create().unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        for (name, partitions) in topics {
            loop {
                let ok = c
                    .fetch_metadata(Some(name), Duration::from_secs(2))
                    .map(|md| {
                        md.topics().first().is_some_and(|t| {
                            t.error().is_none() && t.partitions().len() == *partitions as usize
                        })
                    })
                    .unwrap_or(false);
                if ok {
                    break;
                }
                assert!(Instant::now() < deadline, "topic {name} did not appear");
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
}

/// Adds the index that Tansu 0.6.0's sqlite schema lacks: its `header`
/// table (one row per record header) has no key, and a fetch looks up the
/// headers of each record it returns (`header_fetch.sql`) by topition and
/// offset, so every fetched record scans every header in the database.
/// The worker writes 7 headers per output, so a fetch costs ~8 ms per record
/// with 90,000 headers (measured on a copy of a chaos run's database), the
/// broker serves storage requests one at a time, and at 20,000 articles a
/// fetch of a backlog took longer than a group session: heartbeats starved,
/// the worker was dropped from the group over and over, and the broker sat
/// at 100 % CPU while nothing moved. An index changes no query's result,
/// only its plan (a search instead of a scan: ~5 µs per record).
pub fn index_headers(db: &Path) {
    let c = rusqlite::Connection::open(db)
        .unwrap_or_else(|e| panic!("cannot open Tansu's database {}: {e}", db.display()));
    c.busy_timeout(Duration::from_secs(10)).unwrap();
    c.execute_batch(
        "create index if not exists header_topition_offset_id on header (topition, offset_id)",
    )
    .unwrap_or_else(|e| panic!("cannot index Tansu's header table in {}: {e}", db.display()));
}

impl Drop for Broker {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

pub fn signal(child: &Child, sig: libc::c_int) {
    // SAFETY: kill(2) on the pid of a child we still own.
    unsafe {
        libc::kill(child.id() as libc::pid_t, sig);
    }
}

pub fn wait_timeout(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return Some(s);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The topics and group of one test.
#[derive(Debug, Clone)]
pub struct Topics {
    pub input: String,
    pub output: String,
    pub dead_letter: String,
    pub group: String,
    pub input_partitions: i32,
}

impl Topics {
    /// Unique names, no topics created.
    pub fn named(test: &str, input_partitions: i32) -> Self {
        Self {
            input: unique(&format!("{test}.raw")),
            output: unique(&format!("{test}.enriched")),
            dead_letter: unique(&format!("{test}.dlq")),
            group: unique(&format!("{test}.group")),
            input_partitions,
        }
    }

    /// Unique names; creates the input (`input_partitions`), output (2
    /// partitions) and dead-letter (1) topics.
    pub fn create(broker: &Broker, test: &str, input_partitions: i32) -> Self {
        let t = Self::named(test, input_partitions);
        broker.create_topics(&[
            (&t.input, input_partitions),
            (&t.output, 2),
            (&t.dead_letter, 1),
        ]);
        t
    }
}

/// Writes the config file of a test's `article-enricher` child
/// (`DIR/NAME.toml`) for `topics`, plus `extra` TOML (sections not used by
/// the base config); returns its path.
pub fn write_config(broker: &Broker, topics: &Topics, name: &str, extra: &str) -> PathBuf {
    let config = broker.dir.path().join(format!("{name}.toml"));
    let toml = format!(
        r#"
[kafka]
brokers = "{bootstrap}"
group_id = "{group}"
[kafka.properties]
"broker.address.family" = "v4"
"reconnect.backoff.max.ms" = "1000"
[kafka.consumer_properties]
"session.timeout.ms" = "6000"
"heartbeat.interval.ms" = "500"
"max.poll.interval.ms" = "15000"
{debug}
[topics]
input = ["{input}"]
output = "{output}"
dead_letter = "{dlq}"
[worker]
max_in_flight = 8
commit_interval_ms = 500
shutdown_timeout_ms = 8000
{extra}
"#,
        bootstrap = broker.bootstrap,
        group = topics.group,
        input = topics.input,
        output = topics.output,
        dlq = topics.dead_letter,
        debug = std::env::var("TEST_WORKER_RDKAFKA_DEBUG")
            .map(|d| format!("\"debug\" = \"{d}\""))
            .unwrap_or_default(),
    );
    std::fs::write(&config, toml).unwrap();
    config
}

/// The worker binary as a child process, killed on drop.
pub struct WorkerProcess {
    child: Option<Child>,
    pub log_path: PathBuf,
    pub name: String,
}

impl WorkerProcess {
    /// Starts `article-enricher run` with a config file for `topics`, plus
    /// `extra` TOML (sections not used by the base config).
    pub fn start(broker: &Broker, topics: &Topics, name: &str, extra: &str) -> Self {
        Self::start_with_env(broker, topics, name, extra, &[])
    }

    /// As [`Self::start`], with `ARTICLE_ENRICHER__…` overrides in `env`.
    pub fn start_with_env(
        broker: &Broker,
        topics: &Topics,
        name: &str,
        extra: &str,
        env: &[(&str, &str)],
    ) -> Self {
        Self::start_command(broker, topics, name, extra, env, &["run"])
    }

    /// Starts `article-enricher ARGS…` (any subcommand) with the config
    /// file of [`write_config`].
    pub fn start_command(
        broker: &Broker,
        topics: &Topics,
        name: &str,
        extra: &str,
        env: &[(&str, &str)],
        args: &[&str],
    ) -> Self {
        let dir = broker.dir.path();
        let config = write_config(broker, topics, name, extra);
        let log_path = dir.join(format!("{name}.log"));
        let log = File::options()
            .create(true)
            .append(true)
            .open(&log_path)
            .unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_article-enricher"))
            .arg("--config")
            .arg(&config)
            .args(args)
            .env(
                "RUST_LOG",
                std::env::var("TEST_WORKER_LOG").unwrap_or_else(|_| "info,librdkafka=warn".into()),
            )
            .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
            // Parallel workers each on a free port (the log says which).
            .env("ARTICLE_ENRICHER__HTTP__LISTEN", "127.0.0.1:0")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("the worker binary starts");
        Self {
            child: Some(child),
            log_path,
            name: name.to_owned(),
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    /// The worker's process id while it runs (for its RSS).
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Waits until the worker's log says it holds partitions.
    pub fn wait_assigned(&self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while !self.log().contains("partitions assigned") {
            assert!(
                Instant::now() < deadline,
                "{} got no partitions: {}",
                self.name,
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGTERM, then waits for the exit.
    pub fn terminate(&mut self, timeout: Duration) -> ExitStatus {
        let mut child = self.child.take().expect("running");
        signal(&child, libc::SIGTERM);
        wait_timeout(&mut child, timeout).unwrap_or_else(|| {
            let _ = child.kill();
            panic!(
                "{} did not exit within {timeout:?} of SIGTERM: {}",
                self.name,
                self.log()
            )
        })
    }

    /// SIGTERM without waiting: the worker starts its graceful stop.
    pub fn stop_gracefully(&self) {
        signal(self.child.as_ref().expect("running"), libc::SIGTERM);
    }

    /// Waits for the exit of a command that ends by itself.
    pub fn wait(&mut self, timeout: Duration) -> ExitStatus {
        let mut child = self.child.take().expect("running");
        wait_timeout(&mut child, timeout).unwrap_or_else(|| {
            let _ = child.kill();
            panic!(
                "{} did not exit within {timeout:?}: {}",
                self.name,
                self.log()
            )
        })
    }

    /// SIGKILL: no chance to drain or commit.
    pub fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            signal(&child, libc::SIGKILL);
            let _ = child.wait();
        }
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        if std::thread::panicking() {
            eprintln!("---- log of {} ----\n{}", self.name, self.log());
        }
    }
}

/// A raw event to produce.
#[derive(Debug, Clone, Default)]
pub struct Raw {
    pub key: Option<Vec<u8>>,
    pub payload: Option<Vec<u8>>,
    pub headers: Vec<(String, Vec<u8>)>,
    pub partition: Option<i32>,
    /// The message timestamp (ms since the epoch); the producer's clock
    /// when `None`.
    pub timestamp: Option<i64>,
}

impl Raw {
    pub fn new(key: &str, payload: impl Into<Vec<u8>>) -> Self {
        Self {
            key: Some(key.as_bytes().to_vec()),
            payload: Some(payload.into()),
            ..Self::default()
        }
    }

    pub fn header(mut self, k: &str, v: &str) -> Self {
        self.headers.push((k.to_owned(), v.as_bytes().to_vec()));
        self
    }
}

/// An idempotent producer for test input.
pub struct TestProducer {
    producer: ThreadedProducer<DefaultProducerContext>,
}

impl TestProducer {
    pub fn new(broker: &Broker) -> Self {
        let producer = broker
            .client_config()
            .set("enable.idempotence", "true")
            .set("linger.ms", "0")
            .set("message.timeout.ms", "60000")
            .create()
            .unwrap();
        Self { producer }
    }

    pub fn send(&self, topic: &str, raw: &Raw) {
        let headers = raw.headers.iter().fold(OwnedHeaders::new(), |h, (k, v)| {
            h.insert(Header {
                key: k,
                value: Some(v),
            })
        });
        let mut r: BaseRecord<'_, [u8], [u8]> = BaseRecord::to(topic).headers(headers);
        if let Some(k) = &raw.key {
            r = r.key(k.as_slice());
        }
        if let Some(p) = &raw.payload {
            r = r.payload(p.as_slice());
        }
        if let Some(p) = raw.partition {
            r = r.partition(p);
        }
        if let Some(t) = raw.timestamp {
            r = r.timestamp(t);
        }
        let mut r = r;
        loop {
            match self.producer.send(r) {
                Ok(()) => return,
                Err((e, back)) => {
                    assert!(
                        e.to_string().contains("Queue full"),
                        "cannot produce test input: {e}"
                    );
                    r = back;
                    std::thread::sleep(Duration::from_millis(10));
                }
            }
        }
    }

    /// Produces `payload` to partition 0 of `topic` with one header whose
    /// name is the raw bytes `name`: rdkafka's safe API takes names as
    /// `&str`, so this goes through librdkafka's C API.
    pub fn send_with_header_name(&self, topic: &str, key: &str, payload: &[u8], name: &[u8]) {
        use rdkafka::bindings as rdsys;
        use rdkafka::bindings::rd_kafka_vtype_t::*;
        use std::os::raw::c_void;
        let topic = std::ffi::CString::new(topic).unwrap();
        let value = b"v";
        // SAFETY: a fresh header list; librdkafka copies name and value.
        let headers = unsafe {
            let h = rdsys::rd_kafka_headers_new(1);
            let added = rdsys::rd_kafka_header_add(
                h,
                name.as_ptr().cast(),
                name.len() as isize,
                value.as_ptr().cast(),
                value.len() as isize,
            );
            assert_eq!(
                added,
                rdsys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR
            );
            h
        };
        // SAFETY: the arguments follow rd_kafka_producev's contract, as in
        // rdkafka's BaseProducer::send; on success librdkafka owns
        // `headers`, and RD_KAFKA_MSG_F_COPY copies key and payload.
        let produced = unsafe {
            rdsys::rd_kafka_producev(
                self.producer.client().native_ptr(),
                RD_KAFKA_VTYPE_TOPIC,
                topic.as_ptr(),
                RD_KAFKA_VTYPE_PARTITION,
                0i32,
                RD_KAFKA_VTYPE_MSGFLAGS,
                rdsys::RD_KAFKA_MSG_F_COPY,
                RD_KAFKA_VTYPE_VALUE,
                payload.as_ptr() as *mut c_void,
                payload.len(),
                RD_KAFKA_VTYPE_KEY,
                key.as_ptr() as *const c_void,
                key.len(),
                RD_KAFKA_VTYPE_HEADERS,
                headers,
                RD_KAFKA_VTYPE_END,
            )
        };
        assert_eq!(
            produced,
            rdsys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR,
            "cannot produce test input with a raw header name"
        );
    }

    pub fn flush(&self) {
        self.producer
            .flush(Duration::from_secs(60))
            .expect("test input acknowledged");
    }
}

/// An output message, decoded for assertions.
#[derive(Debug, Clone)]
pub struct Out {
    pub topic: String,
    pub partition: i32,
    pub key: Option<Vec<u8>>,
    pub payload: Option<Vec<u8>>,
    pub headers: Vec<(String, Option<Vec<u8>>)>,
}

impl Out {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.as_deref())
            .and_then(|v| std::str::from_utf8(v).ok())
    }

    /// (partition, offset) of the input this came from.
    pub fn source(&self) -> (i32, i64) {
        (
            self.header("source-partition").unwrap().parse().unwrap(),
            self.header("source-offset").unwrap().parse().unwrap(),
        )
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(self.payload.as_deref().unwrap()).unwrap()
    }

    pub fn key_str(&self) -> Option<&str> {
        self.key.as_deref().map(|k| std::str::from_utf8(k).unwrap())
    }
}

fn out(m: &OwnedMessage) -> Out {
    Out {
        topic: m.topic().to_owned(),
        partition: m.partition(),
        key: m.key().map(<[u8]>::to_vec),
        payload: m.payload().map(<[u8]>::to_vec),
        headers: m
            .headers()
            .map(|h| {
                h.iter()
                    .map(|h| (h.key.to_owned(), h.value.map(<[u8]>::to_vec)))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// Reads the output and dead-letter topics of a test from the beginning.
pub struct Reader {
    consumer: BaseConsumer,
    pub seen: Vec<Out>,
}

/// Every partition of the output (2) and dead-letter (1) topics, from the
/// beginning: what a verifier reads by assignment, outside any group.
pub fn output_assignment(topics: &Topics) -> TopicPartitionList {
    let mut tpl = TopicPartitionList::new();
    for p in 0..2 {
        tpl.add_partition_offset(&topics.output, p, Offset::Beginning)
            .unwrap();
    }
    tpl.add_partition_offset(&topics.dead_letter, 0, Offset::Beginning)
        .unwrap();
    tpl
}

impl Reader {
    pub fn new(broker: &Broker, topics: &Topics) -> Self {
        let consumer: BaseConsumer = broker
            .client_config()
            .set("group.id", unique("reader"))
            .set("enable.auto.commit", "false")
            .set("fetch.wait.max.ms", "100")
            .create()
            .unwrap();
        consumer.assign(&output_assignment(topics)).unwrap();
        Self {
            consumer,
            seen: Vec::new(),
        }
    }

    /// Reads until `done(seen)` holds or `timeout` passes; returns whether
    /// it held.
    pub fn read_until(&mut self, timeout: Duration, done: impl Fn(&[Out]) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if done(&self.seen) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            self.poll(Duration::from_millis(100));
        }
    }

    /// Keeps reading for `d` (to catch anything extra).
    pub fn linger(&mut self, d: Duration) {
        let deadline = Instant::now() + d;
        while Instant::now() < deadline {
            self.poll(Duration::from_millis(100));
        }
    }

    fn poll(&mut self, timeout: Duration) {
        if let Some(r) = self.consumer.poll(timeout) {
            match r {
                Ok(m) => self.seen.push(out(&m.detach())),
                Err(e) => eprintln!("reader: {e}"),
            }
        }
    }

    /// How many outputs each input (partition, offset) has.
    pub fn per_source(&self) -> BTreeMap<(i32, i64), usize> {
        let mut m = BTreeMap::new();
        for o in &self.seen {
            *m.entry(o.source()).or_insert(0) += 1;
        }
        m
    }
}

/// A small plain-text article, distinct per `i`.
pub fn article(i: usize) -> String {
    format!(
        "Council approves budget number {i}\n\nThe city council approved spending plan {i} on Monday. \
         \"This plan keeps the buses running,\" said Mayor Jane Holm. Critics said item {i} was too costly."
    )
}

/// Produces `n` numbered articles (keys `k-0`…), one every `every`, from a
/// background thread; returns when all are acknowledged via the handle.
pub fn produce_slowly(
    broker: &Broker,
    topic: &str,
    n: usize,
    every: Duration,
) -> std::thread::JoinHandle<()> {
    let producer = TestProducer::new(broker);
    let topic = topic.to_owned();
    std::thread::spawn(move || {
        for i in 0..n {
            producer.send(&topic, &Raw::new(&format!("k-{i}"), article(i)));
            std::thread::sleep(every);
        }
        producer.flush();
    })
}

/// Produces articles `k-0` … `k-{n-1}` to `topic` at once, spread over
/// `partitions` in turn (`k-i` to partition `i % partitions`).
pub fn produce_round_robin(broker: &Broker, topic: &str, n: usize, partitions: i32) {
    let producer = TestProducer::new(broker);
    for i in 0..n {
        let mut raw = Raw::new(&format!("k-{i}"), article(i));
        raw.partition = Some(i as i32 % partitions);
        producer.send(topic, &raw);
    }
    producer.flush();
}

/// Writes a report line that `cargo test -- --nocapture` shows.
pub fn report(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Joins `group` for a moment with a consumer of `topic` and leaves again,
/// which makes the group rebalance.
///
/// Tansu 0.6.0 works around: when a member misses its heartbeats, Tansu
/// drops it and starts a rebalance, but the surviving member gets its old
/// assignment back (the dead member's partitions stay unowned) until the
/// membership changes again. A member that joins and leaves is such a
/// change; the real Kafka coordinator needs no nudge.
pub fn nudge_group(broker: &Broker, group: &str, topic: &str) {
    let c: BaseConsumer = broker
        .client_config()
        .set("group.id", group)
        .set("enable.auto.commit", "false")
        .set("session.timeout.ms", "6000")
        .create()
        .unwrap();
    c.subscribe(&[topic]).unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        let _ = c.poll(Duration::from_millis(100));
        if c.assignment().map(|a| a.count() > 0).unwrap_or(false) {
            break;
        }
    }
    c.unsubscribe();
    drop(c);
}

/// A broker that is not running yet: its port is chosen (and free) but
/// nothing listens there until [`Broker::launch`], for tests of a worker
/// that starts before its broker.
impl Broker {
    pub fn reserve() -> Self {
        let port = free_port();
        Self {
            dir: tempfile::tempdir().unwrap(),
            port,
            bootstrap: format!("127.0.0.1:{port}"),
            storage: Storage::Sqlite,
            child: None,
            starts: 0,
        }
    }

    /// Starts a reserved broker and waits until it answers.
    pub fn launch(&mut self) {
        assert!(self.child.is_none(), "the broker runs already");
        self.spawn();
    }
}
