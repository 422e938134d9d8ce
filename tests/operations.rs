//! Operations against a real broker (Tansu, per test): the metrics the
//! worker exposes match what it did, `/readyz` follows the broker, and
//! spans reach an OTLP collector with the input's trace id.

mod support;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use support::{article, Broker, Raw, Reader, TestProducer, Topics, WorkerProcess};

const WAIT: Duration = Duration::from_secs(60);

/// Operations settings for a test worker: fresh statistics for quick lag
/// and readiness.
const OPS: &str = "[http]\nstatistics_interval_ms = 500\n";

/// The address the worker's log says its endpoint listens on.
fn endpoint(worker: &WorkerProcess) -> SocketAddr {
    let deadline = Instant::now() + WAIT;
    loop {
        let log = worker.log();
        if let Some(addr) = log
            .lines()
            .filter(|l| l.contains("operations endpoint listening"))
            .find_map(|l| l.split("addr=").nth(1))
            .and_then(|a| a.split_whitespace().next())
        {
            return addr.parse().unwrap();
        }
        assert!(
            Instant::now() < deadline,
            "no endpoint address in the log: {log}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A plain HTTP/1.1 GET: (status, body).
fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    s.read_to_string(&mut response).unwrap();
    let status = response.split(' ').nth(1).unwrap().parse().unwrap();
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// The sum of the samples of `name` whose labels include every `labels`
/// pair, in a Prometheus text exposition.
fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let mut found = None;
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let Some((series, value)) = line.rsplit_once(' ') else {
            continue;
        };
        let (metric, label_text) = series.split_once('{').unwrap_or((series, ""));
        if metric != name
            || !labels
                .iter()
                .all(|(k, v)| label_text.contains(&format!("{k}=\"{v}\"")))
        {
            continue;
        }
        *found.get_or_insert(0.0) += value.parse::<f64>().unwrap();
    }
    found
}

/// Scrapes `/metrics` until `check` passes; panics with the last scrape.
fn scrape_until(addr: SocketAddr, what: &str, check: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        let (status, text) = get(addr, "/metrics");
        assert_eq!(status, 200);
        if check(&text) {
            return text;
        }
        assert!(Instant::now() < deadline, "{what} never held:\n{text}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Done when (1): counters match what was sent and the lag returns to 0.
#[test]
fn metrics_count_what_the_worker_did_and_lag_returns_to_zero() {
    let broker = Broker::start();
    let topics = Topics::create(&broker, "ops-metrics", 2);
    let mut worker = WorkerProcess::start(&broker, &topics, "worker", OPS);
    let addr = endpoint(&worker);
    assert_eq!(get(addr, "/healthz").0, 200);

    let good = 7;
    let bad = [
        ("invalid_json", Some(&b"{oops"[..])),
        ("invalid_json", Some(&b"{\"id\": "[..])),
        ("not_an_object", Some(&b"[1, 2]"[..])),
        ("missing_body", None),
    ];
    let producer = TestProducer::new(&broker);
    for i in 0..good {
        producer.send(&topics.input, &Raw::new(&format!("good-{i}"), article(i)));
    }
    for (i, (_, payload)) in bad.iter().enumerate() {
        let raw = Raw {
            key: Some(format!("bad-{i}").into_bytes()),
            payload: payload.map(<[u8]>::to_vec),
            ..Raw::default()
        };
        producer.send(&topics.input, &raw);
    }
    producer.flush();
    let total = good + bad.len();
    let mut reader = Reader::new(&broker, &topics);
    assert!(
        reader.read_until(WAIT, |seen| seen.len() >= total),
        "outputs: {}",
        reader.seen.len()
    );

    let text = scrape_until(addr, "counters match and the lag is 0", |t| {
        let lag = |p: &str| {
            sample(
                t,
                "article_enricher_consumer_lag",
                &[("topic", topics.input.as_str()), ("partition", p)],
            )
        };
        sample(t, "article_enricher_messages_produced_total", &[]) == Some(total as f64)
            && lag("0") == Some(0.0)
            && lag("1") == Some(0.0)
    });
    let count = |name: &str, labels: &[(&str, &str)]| sample(&text, name, labels).unwrap_or(0.0);
    assert_eq!(
        count(
            "article_enricher_messages_consumed_total",
            &[("topic", &topics.input)]
        ),
        total as f64
    );
    assert_eq!(
        count("article_enricher_messages_enriched_total", &[]),
        good as f64
    );
    let mut kinds: BTreeMap<&str, f64> = BTreeMap::new();
    for (kind, _) in &bad {
        *kinds.entry(kind).or_default() += 1.0;
    }
    for (kind, n) in &kinds {
        assert_eq!(
            count(
                "article_enricher_messages_dead_lettered_total",
                &[("kind", kind)]
            ),
            *n,
            "dead letters of kind {kind}"
        );
    }
    assert_eq!(
        count(
            "article_enricher_messages_produced_total",
            &[("topic", &topics.dead_letter)]
        ),
        bad.len() as f64
    );
    assert_eq!(count("article_enricher_messages_in_flight", &[]), 0.0);
    // Histograms: every message produced and timed from its timestamp;
    // the tombstone is not decoded; only the good ones are enriched.
    assert_eq!(
        count("article_enricher_produce_duration_seconds_count", &[]),
        total as f64
    );
    assert_eq!(
        count("article_enricher_end_to_end_latency_seconds_count", &[]),
        total as f64
    );
    assert_eq!(
        count("article_enricher_decode_duration_seconds_count", &[]),
        (total - 1) as f64
    );
    assert_eq!(
        count("article_enricher_enrich_duration_seconds_count", &[]),
        good as f64
    );
    // The core is pure: what it finds in the good inputs is what the
    // counters must hold.
    let found = expected_extractions(good);
    assert_eq!(
        count("article_enricher_quotes_extracted_total", &[]),
        found.direct_quotes as f64,
        "direct quotes"
    );
    for (kind, n) in [
        ("person", found.people),
        ("organization", found.organizations),
        ("place", found.places),
    ] {
        assert_eq!(
            count(
                "article_enricher_entities_extracted_total",
                &[("type", kind)]
            ),
            n as f64,
            "entities of type {kind}"
        );
    }
    assert!(count("article_enricher_commits_total", &[]) >= 1.0);
    assert!(count("article_enricher_rebalances_total", &[("kind", "assign")]) >= 1.0);
    assert_eq!(
        count(
            "article_enricher_build_info",
            &[("version", env!("CARGO_PKG_VERSION"))]
        ),
        1.0
    );
    assert!(text.contains("# TYPE article_enricher_end_to_end_latency_seconds histogram"));

    let (status, body) = get(addr, "/readyz");
    assert_eq!(status, 200, "{body}");
    let ready: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(ready["status"], "ready");
    assert_eq!(ready["assigned_partitions"], 2);
    assert!(worker.terminate(WAIT).success());
}

/// Done when (2): 503 before the broker is reachable, 200 after.
#[test]
fn readyz_is_503_until_the_broker_is_reachable() {
    let mut broker = Broker::reserve();
    let topics = Topics::named("ops-ready", 1);
    let mut worker = WorkerProcess::start(&broker, &topics, "worker", OPS);
    let addr = endpoint(&worker);
    // A few statistics intervals with nothing listening on the port.
    let until = Instant::now() + Duration::from_secs(3);
    let mut reasons = Vec::new();
    while Instant::now() < until {
        let (status, body) = get(addr, "/readyz");
        assert_eq!(status, 503, "{body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["status"], "not_ready");
        reasons.push(v["reason"].as_str().unwrap().to_owned());
        assert_eq!(get(addr, "/healthz").0, 200, "alive meanwhile");
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(
        reasons.iter().any(|r| r.contains("not connected")),
        "{reasons:?}"
    );

    broker.launch();
    broker.create_topics(&[
        (&topics.input, 1),
        (&topics.output, 2),
        (&topics.dead_letter, 1),
    ]);
    let deadline = Instant::now() + WAIT;
    loop {
        let (status, body) = get(addr, "/readyz");
        if status == 200 {
            assert!(body.contains("\"ready\""), "{body}");
            break;
        }
        assert!(Instant::now() < deadline, "never ready: {body}");
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(worker.terminate(WAIT).success());
}

/// A span as the collector received it.
#[derive(Debug, Clone)]
struct ReceivedSpan {
    name: String,
    trace_id: String,
    service: Option<String>,
    environment: Option<String>,
}

/// A small OTLP/HTTP collector: protobuf `ExportTraceServiceRequest`s on
/// `POST /v1/traces`, on a free loopback port.
struct Collector {
    addr: SocketAddr,
    spans: Arc<Mutex<Vec<ReceivedSpan>>>,
    _runtime: tokio::runtime::Runtime,
}

fn string_attribute(
    attributes: &[opentelemetry_proto::tonic::common::v1::KeyValue],
    key: &str,
) -> Option<String> {
    use opentelemetry_proto::tonic::common::v1::any_value::Value;
    attributes
        .iter()
        .find(|kv| kv.key == key)
        .and_then(|kv| kv.value.as_ref()?.value.as_ref())
        .and_then(|v| match v {
            Value::StringValue(s) => Some(s.clone()),
            _ => None,
        })
}

impl Collector {
    fn start() -> Self {
        use axum::body::Bytes;
        use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
        use prost::Message;

        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let spans: Arc<Mutex<Vec<ReceivedSpan>>> = Arc::default();
        let sink = spans.clone();
        let receive = move |body: Bytes| {
            let sink = sink.clone();
            async move {
                let request = ExportTraceServiceRequest::decode(body).expect("OTLP protobuf");
                let mut sink = sink.lock().unwrap();
                for rs in request.resource_spans {
                    let attributes = rs.resource.map(|r| r.attributes).unwrap_or_default();
                    for span in rs.scope_spans.into_iter().flat_map(|s| s.spans) {
                        sink.push(ReceivedSpan {
                            name: span.name,
                            trace_id: span.trace_id.iter().map(|b| format!("{b:02x}")).collect(),
                            service: string_attribute(&attributes, "service.name"),
                            environment: string_attribute(&attributes, "deployment.environment"),
                        });
                    }
                }
                (
                    [(axum::http::header::CONTENT_TYPE, "application/x-protobuf")],
                    Vec::<u8>::new(),
                )
            }
        };
        let app = axum::Router::new().route("/v1/traces", axum::routing::post(receive));
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        runtime.spawn(async move { axum::serve(listener, app).await });
        Self {
            addr,
            spans,
            _runtime: runtime,
        }
    }

    fn spans(&self) -> Vec<ReceivedSpan> {
        self.spans.lock().unwrap().clone()
    }
}

/// Done when (3): spans of a processed message reach the collector with
/// the expected names and the input's trace id. The batch delay is set
/// far beyond the test, so the spans arrive by the flush at shutdown.
#[test]
fn spans_reach_an_otlp_collector_with_the_input_trace_id() {
    let collector = Collector::start();
    let broker = Broker::start();
    let topics = Topics::create(&broker, "ops-otlp", 1);
    let extra = format!(
        "{OPS}[telemetry]\notlp_endpoint = \"http://{}\"\n\
         [telemetry.resource_attributes]\n\"deployment.environment\" = \"test\"\n",
        collector.addr
    );
    let mut worker = WorkerProcess::start_with_env(
        &broker,
        &topics,
        "worker",
        &extra,
        // No scheduled export during the test: only the flush at exit.
        &[("OTEL_BSP_SCHEDULE_DELAY", "600000")],
    );
    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let producer = TestProducer::new(&broker);
    producer.send(
        &topics.input,
        &Raw::new("traced", article(1))
            .header("traceparent", &format!("00-{trace_id}-00f067aa0ba902b7-01")),
    );
    producer.flush();
    let mut reader = Reader::new(&broker, &topics);
    assert!(reader.read_until(WAIT, |seen| !seen.is_empty()));

    std::thread::sleep(Duration::from_millis(500));
    assert!(collector.spans().is_empty(), "batched until the flush");
    assert!(worker.terminate(WAIT).success());

    let ours: Vec<ReceivedSpan> = collector
        .spans()
        .into_iter()
        .filter(|s| s.trace_id == trace_id)
        .collect();
    // The worker's steps, then the core's stages, exported as spans are.
    for name in [
        "process",
        "decode",
        "enrich",
        "produce",
        "boilerplate",
        "metadata",
        "entities",
        "quotes",
    ] {
        assert!(
            ours.iter().any(|s| s.name == name),
            "no `{name}` span in trace {trace_id}: {ours:?}; all received: {:?}",
            collector.spans()
        );
    }
    for s in &ours {
        assert_eq!(s.service.as_deref(), Some("article-enricher"), "{s:?}");
        assert_eq!(s.environment.as_deref(), Some("test"), "{s:?}");
    }
}

/// A taken port stops the start, naming the key and what to do, before
/// the worker joins its group.
#[test]
fn a_taken_port_stops_the_start_naming_http_listen() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_article-enricher"))
        .arg("run")
        .env("ARTICLE_ENRICHER__HTTP__LISTEN", &addr)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("cannot listen on http.listen = \"{addr}\"")),
        "{stderr}"
    );
    assert!(
        stderr.contains("ARTICLE_ENRICHER__HTTP__LISTEN"),
        "{stderr}"
    );
}

/// What the core finds in the `good` inputs the metrics test sends.
#[derive(Default)]
struct Extractions {
    direct_quotes: usize,
    people: usize,
    organizations: usize,
    places: usize,
}

fn expected_extractions(good: usize) -> Extractions {
    let mut found = Extractions::default();
    for i in 0..good {
        let key = format!("good-{i}");
        let raw = enricher_core::decode(
            article(i).as_bytes(),
            Some(key.as_bytes()),
            &enricher_core::DecodeLimits::default(),
        )
        .expect("the good inputs decode");
        let a = enricher_core::enrich(raw);
        found.direct_quotes += a
            .quotes
            .iter()
            .filter(|q| q.kind == enricher_core::enriched::QuoteKind::Direct)
            .count();
        found.people += a.entities.people.len();
        found.organizations += a.entities.organizations.len();
        found.places += a.entities.places.len();
    }
    found
}
