//! The worker end to end against a real broker (Tansu, started per test on
//! a free loopback port): the `article-enricher run` binary as a child
//! process, real signals, exact counts.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use support::{
    article, produce_round_robin, produce_slowly, report, Broker, Raw, Reader, TestProducer,
    Topics, WorkerProcess,
};

const WAIT: Duration = Duration::from_secs(60);

fn shared_seed() -> Option<Vec<u8>> {
    let path = support::root().join("../shared/data/seed-article.txt");
    match std::fs::read(&path) {
        Ok(b) => Some(b),
        Err(_) => {
            report(&format!(
                "NOTE: {} is absent; test 1 runs without the seed article",
                path.display()
            ));
            None
        }
    }
}

fn trace_id(traceparent: &str) -> &str {
    traceparent.split('-').nth(1).unwrap()
}

fn assert_traceparent(tp: &str) {
    let parts: Vec<&str> = tp.split('-').collect();
    assert_eq!(parts.len(), 4, "{tp}");
    assert_eq!(parts[0], "00");
    assert_eq!(parts[1].len(), 32);
    assert_eq!(parts[2].len(), 16);
    assert!(tp
        .chars()
        .all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c)));
    assert_ne!(parts[1], "0".repeat(32));
}

/// Test 1: good and bad events of every kind, exactly one output each.
#[test]
fn mixed_events_each_get_exactly_one_output() {
    let broker = Broker::start();
    let topics = Topics::create(&broker, "mixed", 2);
    let mut worker = WorkerProcess::start(
        &broker,
        &topics,
        "worker",
        "[enrich]\nmax_payload_bytes = 20000\n",
    );

    // (input, expected: Ok(article id) or Err(error kind))
    let mut cases: Vec<(Raw, Result<String, &str>)> = vec![
        (
            Raw::new(
                "json-key",
                r#"{"id":"json-1","title":"A title","text":"Hello there. \"We will win,\" said Anna Berg.","extra_field":7}"#,
            ),
            Ok("json-1".into()),
        ),
        (
            Raw::new(
                "json-body",
                r#"{"id":"json-2","body":"The body field works too.","published_at":"2024-02-03"}"#,
            ),
            Ok("json-2".into()),
        ),
        (Raw::new("plain-1", article(1)), Ok("plain-1".into())),
        (
            Raw {
                key: None,
                payload: Some(article(2).into_bytes()),
                ..Raw::default()
            },
            Ok(String::new()), // a hash id: checked separately
        ),
        (
            Raw::new("bad-json", r#"{"id":"x","text":"cut"#),
            Err("invalid_json"),
        ),
        (Raw::new("bad-array", "[1, 2, 3]"), Err("not_an_object")),
        (
            Raw::new("bad-nobody", r#"{"id":"nobody"}"#),
            Err("missing_body"),
        ),
        (
            Raw::new("bad-field", r#"{"id":"f","text":42}"#),
            Err("invalid_field"),
        ),
        (
            Raw::new("bad-utf8", b"caf\xe9 is not UTF-8".to_vec()),
            Err("invalid_utf8"),
        ),
        (Raw::new("bad-large", "x".repeat(25_000)), Err("too_large")),
        (
            Raw {
                key: Some(b"tombstone".to_vec()),
                payload: None,
                ..Raw::default()
            },
            Err("missing_body"),
        ),
    ];
    let seed = shared_seed();
    if let Some(seed) = &seed {
        cases.push((Raw::new("seed", seed.clone()), Ok("seed".into())));
    }
    // Alternate partitions, so both partition tasks work; remember offsets.
    let mut next = [0i64; 2];
    let mut by_source = BTreeMap::new();
    let producer = TestProducer::new(&broker);
    for (i, (raw, expected)) in cases.iter_mut().enumerate() {
        let p = (i % 2) as i32;
        raw.partition = Some(p);
        *raw = raw.clone().header("x-origin", &format!("case-{i}"));
        producer.send(&topics.input, raw);
        by_source.insert((p, next[p as usize]), (raw.clone(), expected.clone()));
        next[p as usize] += 1;
    }
    producer.flush();

    let n = cases.len();
    let mut reader = Reader::new(&broker, &topics);
    assert!(
        reader.read_until(WAIT, |seen| seen.len() >= n),
        "{} of {n} outputs: {:#?}",
        reader.seen.len(),
        reader.seen
    );
    reader.linger(Duration::from_secs(1));
    assert_eq!(reader.seen.len(), n, "exactly one output per input");
    assert!(reader.per_source().values().all(|c| *c == 1));

    let mut enriched = 0;
    let mut dead = BTreeMap::<String, usize>::new();
    for o in &reader.seen {
        let (raw, expected) = &by_source[&o.source()];
        assert_eq!(o.header("source-topic"), Some(topics.input.as_str()));
        match expected {
            Ok(id) => {
                enriched += 1;
                assert_eq!(o.topic, topics.output);
                let v = o.json();
                let actual_id = v["id"].as_str().unwrap();
                if id.is_empty() {
                    assert!(actual_id.len() > 8, "a hash id: {actual_id}");
                } else {
                    assert_eq!(actual_id, id);
                }
                assert_eq!(o.key_str(), Some(actual_id), "keyed by article id");
                assert_eq!(o.header("content-type"), Some("application/json"));
                assert_eq!(o.header("schema-version"), Some("1"));
                assert_eq!(v["schema_version"], 1);
                assert_traceparent(o.header("traceparent").unwrap());
                chrono_check(o.header("enriched-at").unwrap());
                assert_eq!(
                    o.header("x-origin"),
                    None,
                    "input headers stay on the input"
                );
                if id == "seed" {
                    assert_eq!(v["published"], "2023-08-15");
                    assert!(v["text"]
                        .as_str()
                        .unwrap()
                        .starts_with("Ukraine is already"));
                }
                if id == "json-1" {
                    assert_eq!(v["title"], "A title");
                    assert_eq!(v["extra"]["extra_field"], 7);
                }
            }
            Err(kind) => {
                *dead.entry((*kind).to_owned()).or_default() += 1;
                assert_eq!(o.topic, topics.dead_letter);
                assert_eq!(o.header("error-kind"), Some(*kind));
                assert!(!o.header("error-message").unwrap().is_empty());
                chrono_check(o.header("failed-at").unwrap());
                assert_eq!(o.key, raw.key, "original key");
                assert_eq!(o.payload, raw.payload, "original value, untouched");
                let x_origin = String::from_utf8(raw.headers[0].1.clone()).unwrap();
                assert_eq!(
                    o.header("x-origin"),
                    Some(x_origin.as_str()),
                    "original headers kept"
                );
            }
        }
    }
    let good = 4 + usize::from(seed.is_some());
    assert_eq!(enriched, good);
    assert_eq!(
        dead,
        BTreeMap::from([
            ("invalid_field".to_owned(), 1),
            ("invalid_json".to_owned(), 1),
            ("invalid_utf8".to_owned(), 1),
            ("missing_body".to_owned(), 2),
            ("not_an_object".to_owned(), 1),
            ("too_large".to_owned(), 1),
        ])
    );
    let status = worker.terminate(Duration::from_secs(15));
    assert!(status.success(), "exit 0 on SIGTERM: {status:?}");
}

fn chrono_check(ts: &str) {
    // RFC 3339 with a Z offset: 2026-01-02T03:04:05.678Z
    assert!(
        ts.len() >= 20 && ts.ends_with('Z') && ts.as_bytes()[10] == b'T',
        "{ts}"
    );
}

/// Test 2: the output continues the input's trace.
#[test]
fn traceparent_continues_from_input_to_output() {
    let broker = Broker::start();
    let topics = Topics::create(&broker, "trace", 1);
    let _worker = WorkerProcess::start(&broker, &topics, "worker", "");
    let input_tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let producer = TestProducer::new(&broker);
    producer.send(
        &topics.input,
        &Raw::new("traced", article(1)).header("traceparent", input_tp),
    );
    producer.send(&topics.input, &Raw::new("untraced", article(2)));
    producer.flush();
    let mut reader = Reader::new(&broker, &topics);
    assert!(reader.read_until(WAIT, |s| s.len() >= 2));
    let by_key: BTreeMap<&str, &support::Out> = reader
        .seen
        .iter()
        .map(|o| (o.key_str().unwrap(), o))
        .collect();
    let out_tp = by_key["traced"].header("traceparent").unwrap();
    assert_traceparent(out_tp);
    assert_eq!(trace_id(out_tp), trace_id(input_tp), "same trace");
    assert_ne!(
        &out_tp[36..52],
        "00f067aa0ba902b7",
        "this processing's span id"
    );
    let other = by_key["untraced"].header("traceparent").unwrap();
    assert_traceparent(other);
    assert_ne!(trace_id(other), trace_id(input_tp), "a new trace");
}

/// Every input `k-0`…`k-{n-1}` has an output; returns the duplicates.
fn assert_none_missing(reader: &mut Reader, n: usize, timeout: Duration) -> usize {
    let complete = |seen: &[support::Out]| {
        seen.iter()
            .filter_map(|o| o.key_str().map(str::to_owned))
            .collect::<BTreeSet<_>>()
            .len()
            >= n
    };
    let ok = reader.read_until(timeout, complete);
    reader.linger(Duration::from_secs(1));
    let keys: BTreeSet<String> = reader
        .seen
        .iter()
        .filter_map(|o| o.key_str().map(str::to_owned))
        .collect();
    let missing: Vec<String> = (0..n)
        .map(|i| format!("k-{i}"))
        .filter(|k| !keys.contains(k))
        .collect();
    assert!(ok && missing.is_empty(), "missing outputs: {missing:?}");
    assert!(
        reader.seen.iter().all(|o| o.header("error-kind").is_none()),
        "no dead letters expected"
    );
    reader.seen.len() - n
}

/// Test 3: SIGTERM mid-stream, restart: none missing, and since the
/// shutdown committed what it finished, none duplicated.
#[test]
fn sigterm_mid_stream_then_restart_loses_nothing() {
    let broker = Broker::start();
    let topics = Topics::create(&broker, "sigterm", 2);
    let n = 80;
    let producing = produce_slowly(&broker, &topics.input, n, Duration::from_millis(25));
    let mut first = WorkerProcess::start(&broker, &topics, "first", "");
    let mut reader = Reader::new(&broker, &topics);
    assert!(reader.read_until(WAIT, |s| s.len() >= 15));
    let started = Instant::now();
    let status = first.terminate(Duration::from_secs(15));
    assert!(status.success(), "exit 0 on SIGTERM: {status:?}");
    report(&format!(
        "sigterm: exited in {:?} after {} outputs",
        started.elapsed(),
        reader.seen.len()
    ));
    assert!(first.log().contains("worker stopped"), "{}", first.log());
    let _second = WorkerProcess::start(&broker, &topics, "second", "");
    producing.join().unwrap();
    let duplicates = assert_none_missing(&mut reader, n, WAIT);
    report(&format!("sigterm: {n} inputs, {duplicates} duplicates"));
    assert_eq!(
        duplicates, 0,
        "a graceful stop commits exactly what it finished"
    );
    assert_order_kept(&reader);
}

/// A byte bound smaller than every message: each goes through alone
/// (`in_flight.rs` tests that), in order, and none is held back: the bound
/// never stalls a partition.
#[test]
fn a_byte_bound_smaller_than_every_message_stalls_nothing() {
    let run = deliver("bytebound", "max_in_flight_bytes = 16", 30);
    assert_order_kept(&run.reader);
}

#[test]
fn the_configured_enrich_threads_do_the_work() {
    let run = deliver("threads", "enrich_threads = 3", 20);
    let worker = &run.worker;
    let pid = worker.pid().expect("the worker runs");
    let pool: Vec<String> = std::fs::read_dir(format!("/proc/{pid}/task"))
        .expect("Linux lists a process's threads")
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
        .map(|name| name.trim().to_owned())
        .filter(|name| name.starts_with("cpu-"))
        .collect();
    assert_eq!(pool.len(), 3, "threads named cpu-*: {pool:?}");
    assert!(
        worker.log().contains("enrich_threads=3"),
        "{}",
        worker.log()
    );
}

/// A worker with `extra` in its `[worker]` section, after it delivered
/// every one of `n` articles produced to a fresh broker: for tests of one
/// setting, which check what else they need. Fields drop in order: the
/// worker and the reader before their broker.
struct Delivered {
    worker: WorkerProcess,
    reader: Reader,
    _broker: Broker,
}

fn deliver(name: &str, extra: &str, n: usize) -> Delivered {
    let broker = Broker::start();
    let topics = Topics::create(&broker, name, 2);
    let producing = produce_slowly(&broker, &topics.input, n, Duration::ZERO);
    let worker = WorkerProcess::start(&broker, &topics, name, extra);
    let mut reader = Reader::new(&broker, &topics);
    producing.join().unwrap();
    assert_none_missing(&mut reader, n, WAIT);
    Delivered {
        worker,
        reader,
        _broker: broker,
    }
}

/// Within each output partition, the outputs of one input partition appear
/// in input offset order (the worker keeps order within a partition and
/// produces in order, one produce request in flight at a time).
fn assert_order_kept(reader: &Reader) {
    let mut last: BTreeMap<(i32, i32), i64> = BTreeMap::new();
    for o in &reader.seen {
        let (src_partition, src_offset) = o.source();
        if let Some(prev) = last.insert((o.partition, src_partition), src_offset) {
            assert!(
                src_offset > prev,
                "output partition {} has input {src_partition}@{src_offset} after @{prev}",
                o.partition
            );
        }
    }
}

/// Test 4: kill -9 mid-stream, restart: none missing; duplicates counted.
#[test]
fn kill_9_mid_stream_then_restart_loses_nothing() {
    let broker = Broker::start();
    let topics = Topics::create(&broker, "kill9", 2);
    let n = 80;
    let producing = produce_slowly(&broker, &topics.input, n, Duration::from_millis(25));
    // Commits only every 3 s, so that the kill leaves processed but
    // uncommitted messages behind: they are processed again (duplicates).
    let mut first = WorkerProcess::start_with_env(
        &broker,
        &topics,
        "first",
        "",
        &[("ARTICLE_ENRICHER__WORKER__COMMIT_INTERVAL_MS", "3000")],
    );
    let mut reader = Reader::new(&broker, &topics);
    assert!(reader.read_until(WAIT, |s| s.len() >= 15));
    first.kill9();
    let _second = WorkerProcess::start(&broker, &topics, "second", "");
    producing.join().unwrap();
    let duplicates = assert_none_missing(&mut reader, n, WAIT);
    report(&format!(
        "kill -9: {n} inputs, {duplicates} duplicates (allowed)"
    ));
}

/// Test 5: two workers in one group; one is killed, the other takes over.
#[test]
fn the_survivor_of_a_group_takes_over_the_partitions() {
    let broker = Broker::start();
    let topics = Topics::create(&broker, "group", 4);
    let a = WorkerProcess::start(&broker, &topics, "a", "");
    a.wait_assigned(WAIT);
    let mut b = WorkerProcess::start(&broker, &topics, "b", "");
    b.wait_assigned(WAIT);
    let n = 120;
    let producing = produce_slowly(&broker, &topics.input, n, Duration::from_millis(25));
    let mut reader = Reader::new(&broker, &topics);
    assert!(reader.read_until(WAIT, |s| s.len() >= 30));
    assert!(
        b.log().contains("partitions assigned"),
        "b held partitions before it was killed"
    );
    b.kill9();
    // Past the session timeout (6 s), Tansu has dropped b; see nudge_group
    // for why the harness then changes the membership once more.
    std::thread::sleep(Duration::from_secs(7));
    support::nudge_group(&broker, &topics.group, &topics.input);
    producing.join().unwrap();
    let duplicates = assert_none_missing(&mut reader, n, WAIT);
    report(&format!(
        "group takeover: {n} inputs, {duplicates} duplicates"
    ));
    // The survivor ended up with all four partitions.
    let log = a.log();
    let last = log
        .lines()
        .rfind(|l| l.contains("partitions assigned"))
        .unwrap()
        .to_owned();
    for p in 0..4 {
        assert!(last.contains(&format!("{}/{p}", topics.input)), "{last}");
    }
}

/// Test 6: the broker stops for a few seconds mid-stream and comes back on
/// the same storage: the worker reconnects and nothing is lost.
#[test]
fn broker_restart_mid_stream_loses_nothing() {
    let mut broker = Broker::start();
    let topics = Topics::create(&broker, "restart", 2);
    let worker = WorkerProcess::start(&broker, &topics, "worker", "");
    let n = 60;
    let producing = produce_slowly(&broker, &topics.input, n, Duration::from_millis(50));
    {
        let mut reader = Reader::new(&broker, &topics);
        assert!(reader.read_until(WAIT, |s| s.len() >= 10));
    }
    broker.stop();
    std::thread::sleep(Duration::from_secs(3));
    broker.restart();
    producing.join().unwrap();
    let mut reader = Reader::new(&broker, &topics);
    let duplicates = assert_none_missing(&mut reader, n, Duration::from_secs(90));
    report(&format!(
        "broker restart: {n} inputs, {duplicates} duplicates"
    ));
    assert!(!worker.log().contains("panicked"), "{}", worker.log());
}

/// Test 7: an output that cannot be produced (its topic does not exist) is
/// retried and never committed past. SIGTERM then gives up after
/// `worker.shutdown_timeout_ms`, logs the offsets left, and exits 0 in
/// time; once the topic exists, a new worker delivers every message.
#[test]
fn a_failing_output_is_never_committed_past() {
    failing_output_drains_in_time("stuck", "");
}

/// The same with a producer queue of one record: the next output cannot
/// even be enqueued, and the drain still ends at its deadline.
#[test]
fn a_full_producer_queue_does_not_hold_a_drain() {
    failing_output_drains_in_time(
        "stuckfull",
        "[kafka.producer_properties]\n\"queue.buffering.max.messages\" = \"1\"\n",
    );
}

/// With the output topic missing, SIGTERM gives up on the five inputs at
/// the shutdown timeout and commits none of them; once the topic exists, a
/// second worker produces each exactly once.
fn failing_output_drains_in_time(name: &str, extra: &str) {
    let broker = Broker::start();
    let topics = Topics::named(name, 1);
    broker.create_topics(&[(&topics.input, 1), (&topics.dead_letter, 1)]);
    let env = [("ARTICLE_ENRICHER__WORKER__SHUTDOWN_TIMEOUT_MS", "2000")];
    let mut first = WorkerProcess::start_with_env(&broker, &topics, "first", extra, &env);
    first.wait_assigned(WAIT);
    let producer = TestProducer::new(&broker);
    for i in 0..5 {
        producer.send(&topics.input, &Raw::new(&format!("k-{i}"), article(i)));
    }
    producer.flush();
    std::thread::sleep(Duration::from_secs(3));
    let started = Instant::now();
    let status = first.terminate(Duration::from_secs(15));
    let took = started.elapsed();
    assert!(
        status.success(),
        "exit 0 even when the timeout hits: {status:?}"
    );
    assert!(
        took < Duration::from_millis(2600),
        "stopped in {took:?}, shutdown_timeout_ms is 2000"
    );
    let log = first.log();
    assert!(
        log.contains("giving up on these offsets") && log.contains("left=[0, 1, 2, 3, 4]"),
        "{log}"
    );
    report(&format!("stuck output: SIGTERM took {took:?}"));

    broker.create_topics(&[(&topics.output, 2)]);
    let _second = WorkerProcess::start(&broker, &topics, "second", "");
    let mut reader = Reader::new(&broker, &topics);
    let duplicates = assert_none_missing(&mut reader, 5, WAIT);
    assert_eq!(duplicates, 0);
}

/// Test 8: a second worker joins mid-stream. The first drains the
/// partitions it gives up and commits before they move, so the handover
/// loses nothing and duplicates nothing.
#[test]
fn scaling_out_mid_stream_hands_partitions_over_exactly() {
    let broker = Broker::start();
    let topics = Topics::create(&broker, "scaleout", 4);
    let a = WorkerProcess::start(&broker, &topics, "a", "");
    a.wait_assigned(WAIT);
    let n = 100;
    let producing = produce_slowly(&broker, &topics.input, n, Duration::from_millis(25));
    let mut reader = Reader::new(&broker, &topics);
    assert!(reader.read_until(WAIT, |s| s.len() >= 20));
    let b = WorkerProcess::start(&broker, &topics, "b", "");
    b.wait_assigned(WAIT);
    producing.join().unwrap();
    let duplicates = assert_none_missing(&mut reader, n, WAIT);
    report(&format!("scale-out: {n} inputs, {duplicates} duplicates"));
    assert!(
        a.log().contains("partitions revoked"),
        "a gave partitions up: {}",
        a.log()
    );
    assert_eq!(
        duplicates, 0,
        "revocation drains and commits before handing over"
    );
    assert_order_kept(&reader);
}

/// A rolling update: the old member is stopping, its drain waiting for
/// outputs that linger 4 s in its producer, when the new member joins.
/// The revocation that reaches the old member during its drain waits for
/// that drain before it commits (before 2026-11-29 it committed at once,
/// without the offsets acknowledged later), so the new member duplicates
/// nothing.
#[test]
fn a_rebalance_during_a_graceful_stop_duplicates_nothing() {
    let broker = Broker::start();
    let topics = Topics::create(&broker, "rolling", 2);
    let lingering = "[kafka.producer_properties]\n\"linger.ms\" = \"4000\"\n";
    let mut old = WorkerProcess::start(&broker, &topics, "old", lingering);
    old.wait_assigned(WAIT);
    let n = 20;
    produce_round_robin(&broker, &topics.input, n, 2);
    // The old member takes them; their outputs linger.
    std::thread::sleep(Duration::from_millis(500));
    old.stop_gracefully();
    let new = WorkerProcess::start(&broker, &topics, "new", "");
    let status = old.wait(Duration::from_secs(30));
    assert!(status.success(), "{status:?}\n{}", old.log());
    let log = old.log();
    let stopping = log.find("shutting down").expect("the old member stopped");
    assert!(
        log[stopping..].contains("partitions revoked"),
        "the revocation came during the drain, as in a rolling update:\n{log}"
    );
    new.wait_assigned(WAIT);
    let mut reader = Reader::new(&broker, &topics);
    let duplicates = assert_none_missing(&mut reader, n, WAIT);
    report(&format!(
        "rebalance during a graceful stop: {n} inputs, {duplicates} duplicates"
    ));
    assert_eq!(duplicates, 0, "old:\n{log}\nnew:\n{}", new.log());
}

/// An output larger than the producer may send can never be produced:
/// retrying it would hold its partition forever. It becomes a dead letter
/// without its value, and the messages after it go on.
#[test]
fn an_output_too_large_to_produce_becomes_a_dead_letter() {
    let broker = Broker::start();
    let topics = Topics::create(&broker, "toolarge", 1);
    let mut worker = WorkerProcess::start(
        &broker,
        &topics,
        "worker",
        "[kafka.producer_properties]\n\"message.max.bytes\" = \"20000\"\n",
    );
    worker.wait_assigned(WAIT);
    let producer = TestProducer::new(&broker);
    let long = "The council met again on Monday and talked for hours. ".repeat(400);
    producer.send(&topics.input, &Raw::new("long", long));
    producer.send(&topics.input, &Raw::new("short", article(1)));
    producer.flush();
    let mut reader = Reader::new(&broker, &topics);
    assert!(
        reader.read_until(WAIT, |s| s.len() >= 2),
        "{}",
        worker.log()
    );
    let long = reader
        .seen
        .iter()
        .find(|o| o.source() == (0, 0))
        .expect("an output for the long article");
    assert_eq!(long.topic, topics.dead_letter);
    assert_eq!(long.header("error-kind"), Some("output_too_large"));
    assert!(long
        .header("value-dropped")
        .unwrap()
        .contains("message.max.bytes"));
    assert_eq!(long.payload.as_deref(), Some(&b""[..]));
    let short = reader
        .seen
        .iter()
        .find(|o| o.source() == (0, 1))
        .expect("the next message is not held up");
    assert_eq!(short.topic, topics.output);
    worker.terminate(Duration::from_secs(15));
}

/// A header name that is not UTF-8 (any client can write one) is read
/// lossily: the article is enriched, a bad payload beside it is
/// dead-lettered with its headers, and the messages after it go on.
#[test]
fn a_header_name_that_is_not_utf8_stops_nothing() {
    let broker = Broker::start();
    let topics = Topics::create(&broker, "hdrname", 1);
    let producer = TestProducer::new(&broker);
    producer.send_with_header_name(&topics.input, "named", article(1).as_bytes(), b"x-\xff-id");
    producer.send_with_header_name(&topics.input, "broken", b"{\"id\":", b"x-\xfe");
    let mut after = Raw::new("after", article(2));
    after.partition = Some(0);
    producer.send(&topics.input, &after);
    producer.flush();
    let mut worker = WorkerProcess::start(&broker, &topics, "worker", "");
    let mut reader = Reader::new(&broker, &topics);
    assert!(
        reader.read_until(WAIT, |s| s.len() >= 3),
        "{}",
        worker.log()
    );
    let by_offset = |o: i64| {
        reader
            .seen
            .iter()
            .find(|out| out.source() == (0, o))
            .unwrap_or_else(|| panic!("an output for offset {o}: {:#?}", reader.seen))
    };
    assert_eq!(by_offset(0).topic, topics.output);
    assert_eq!(by_offset(0).key_str(), Some("named"));
    let dead = by_offset(1);
    assert_eq!(dead.topic, topics.dead_letter);
    assert_eq!(dead.header("error-kind"), Some("invalid_json"));
    assert_eq!(
        dead.headers[0],
        ("x-\u{fffd}".to_owned(), Some(b"v".to_vec())),
        "the input's header, its name decoded lossily"
    );
    assert_eq!(by_offset(2).topic, topics.output);
    let status = worker.terminate(Duration::from_secs(15));
    assert!(status.success(), "{status:?}\n{}", worker.log());
    assert!(!worker.log().contains("panicked"), "{}", worker.log());
}
