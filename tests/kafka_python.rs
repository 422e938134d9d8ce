//! The wire format checked by a second, independent Kafka client:
//! kafka-python produces raw events and reads back what the worker wrote.

mod support;

use std::process::Command;

use serde_json::Value;
use support::{Broker, Topics, WorkerProcess};

#[test]
fn kafka_python_produces_raw_events_and_reads_enriched_ones_and_dead_letters() {
    let broker = Broker::start();
    let topics = Topics::create(&broker, "python", 1);
    let _worker = WorkerProcess::start(&broker, &topics, "worker", "");
    let out = Command::new(support::kafka_python())
        .arg(support::root().join("tests/python/roundtrip.py"))
        .args([
            &broker.bootstrap,
            &topics.input,
            &topics.output,
            &topics.dead_letter,
        ])
        .output()
        .expect("kafka-python runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "roundtrip.py failed\nstdout: {stdout}\nstderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(seen.len(), 3, "{seen:#?}");
    let by_key = |k: &str| {
        seen.iter()
            .find(|s| s["key"] == k)
            .unwrap_or_else(|| panic!("no output keyed {k}: {seen:#?}"))
    };

    let json = by_key("py-1");
    assert_eq!(json["topic"], topics.output.as_str());
    assert_eq!(json["headers"]["content-type"], "application/json");
    assert_eq!(json["headers"]["schema-version"], "1");
    let tp = json["headers"]["traceparent"].as_str().unwrap();
    assert!(
        tp.starts_with("00-11111111111111111111111111111111-"),
        "{tp}"
    );
    let event: Value = serde_json::from_str(json["value"].as_str().unwrap()).unwrap();
    assert_eq!(event["title"], "From Python");

    let plain = by_key("py-plain");
    let event: Value = serde_json::from_str(plain["value"].as_str().unwrap()).unwrap();
    assert_eq!(event["id"], "py-plain");
    assert_eq!(event["published"], "2024-06-01");
    assert_eq!(plain["headers"]["source-topic"], topics.input.as_str());

    let bad = by_key("py-bad");
    assert_eq!(bad["topic"], topics.dead_letter.as_str());
    assert_eq!(bad["headers"]["error-kind"], "invalid_json");
    assert_eq!(bad["headers"]["x-client"], "kafka-python");
    assert_eq!(bad["value"], "{\"id\": \"py-bad\", \"text\": ");
}
