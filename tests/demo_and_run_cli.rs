//! The `demo` command (librdkafka's mock cluster, no broker to install) and
//! the start-up errors of `run`, through the binary.

use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_article-enricher"))
}

#[test]
fn demo_enriches_the_samples_and_dead_letters_the_broken_one() {
    let out = bin()
        .args(["demo", "--timeout-secs", "60"])
        .env("RUST_LOG", "info")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "stdout: {stdout}\nstderr: {stderr}");
    let enriched: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("# enriched"))
        .collect();
    let dead: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("# dead letter"))
        .collect();
    assert_eq!(enriched.len(), 3, "{stdout}");
    // Regression: a `log`-crate bridge once swallowed the first event after
    // librdkafka checked its log level, and this line went missing.
    assert!(stderr.contains("worker started"), "{stderr}");
    assert_eq!(dead.len(), 1, "{stdout}");
    assert!(dead[0].contains("key=sample-broken") && dead[0].contains("error-kind=invalid_json"));
    // The first sample carries a traceparent; its output continues the trace.
    let harbour = enriched
        .iter()
        .find(|l| l.contains("key=sample-harbour-strike"))
        .unwrap();
    assert!(
        harbour.contains("traceparent=00-0af7651916cd43dd8448eb211c80319c-"),
        "{harbour}"
    );
    let events: Vec<serde_json::Value> = stdout
        .lines()
        .filter(|l| l.starts_with("{\"schema_version\""))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(events.len(), 3);
    assert!(events
        .iter()
        .any(|e| e["id"] == "sample-harbour-strike" && e["published"] == "2025-04-02"));
}

/// Runs `run` with `toml` as its config file; it must stop at start with
/// exit code 2. Returns its stderr.
fn run_refused(toml: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("c.toml");
    std::fs::write(&config, toml).unwrap();
    let out = bin()
        .arg("--config")
        .arg(&config)
        .arg("run")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    stderr
}

#[test]
fn a_property_librdkafka_rejects_stops_run_naming_the_key() {
    let stderr = run_refused("[kafka.properties]\n\"fetch.wait.max.msss\" = \"10\"\n");
    assert!(
        stderr.contains("kafka.properties.\"fetch.wait.max.msss\""),
        "{stderr}"
    );
}

#[test]
fn a_reserved_property_is_refused_with_the_reason() {
    let stderr =
        run_refused("[kafka.consumer_properties]\n\"enable.auto.offset.store\" = \"true\"\n");
    assert!(
        stderr.contains("kafka.consumer_properties.\"enable.auto.offset.store\""),
        "names the section the key is in: {stderr}"
    );
    assert!(stderr.contains("remove the key"), "{stderr}");
}
