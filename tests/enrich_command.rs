//! The `enrich` command end to end: the binary, real files, the published
//! JSON Schemas. No broker needed.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/data/NAME` beside the repository, when it is there.
fn shared(name: &str) -> Option<PathBuf> {
    let path = root().join("../shared/data").join(name);
    if path.is_file() {
        Some(path)
    } else {
        // Written to the stderr handle, not `eprintln!`, which the test
        // harness captures (and hides) for a passing test.
        let _ = writeln!(
            std::io::stderr(),
            "SKIP: {} is absent; this test needs the shared data beside the repository",
            path.display()
        );
        None
    }
}

fn enrich(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_article-enricher"))
        .arg("enrich")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.to_vec();
    let writer = std::thread::spawn(move || input.write_all(&stdin));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    out
}

fn validator(schema: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("schemas").join(schema)).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles")
}

fn assert_valid(v: &jsonschema::Validator, event: &Value) {
    let errors: Vec<String> = v
        .iter_errors(event)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "event {} is invalid: {errors:#?}",
        event["id"]
    );
}

fn events(out: &Output) -> Vec<Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each output line is JSON"))
        .collect()
}

/// Offsets are code points: slicing `text` by them must give what the event says.
fn char_slice(text: &str, start: u64, end: u64) -> String {
    text.chars()
        .skip(start as usize)
        .take((end - start) as usize)
        .collect()
}

#[test]
fn seed_article_as_plain_text() {
    let Some(seed) = shared("seed-article.txt") else {
        return;
    };
    let out = enrich(&["--format", "text"], &std::fs::read(seed).unwrap());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let events = events(&out);
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!(e["published"], "2023-08-15");
    assert!(e["text"]
        .as_str()
        .unwrap()
        .starts_with("Ukraine is already"));
    assert_valid(&validator("enriched-article.schema.json"), e);
}

#[test]
fn own_fixtures_validate_and_offsets_point_into_text() {
    let input = std::fs::read(root().join("tests/fixtures/articles.jsonl")).unwrap();
    let out = enrich(&[], &input);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let events = events(&out);
    assert_eq!(events.len(), 4);
    let v = validator("enriched-article.schema.json");
    for e in &events {
        assert_valid(&v, e);
        let text = e["text"].as_str().unwrap();
        let len = text.chars().count() as u64;
        for p in e["paragraphs"].as_array().unwrap() {
            let (s, t) = (p["start"].as_u64().unwrap(), p["end"].as_u64().unwrap());
            assert!(s < t && t <= len);
            assert_eq!(char_slice(text, s, t).trim(), char_slice(text, s, t));
        }
        for r in e["related"].as_array().unwrap() {
            let (s, t) = (r["start"].as_u64().unwrap(), r["end"].as_u64().unwrap());
            assert_eq!(char_slice(text, s, t), r["title"].as_str().unwrap());
        }
    }
    // Unknown fields pass through; known ones land in their places.
    assert_eq!(events[0]["extra"]["section"], "local");
    assert_eq!(events[0]["extra"]["tags"][1], "council");
    assert_eq!(events[0]["published"], "2024-03-05T14:30:00Z");
    assert_eq!(events[0]["authors"][0], "Jane Roe");
    assert_eq!(events[1]["language"], "en");
}

#[test]
fn raw_fixtures_validate_against_the_raw_schema() {
    let v = validator("raw-article.schema.json");
    let input = std::fs::read_to_string(root().join("tests/fixtures/articles.jsonl")).unwrap();
    for line in input.lines() {
        assert_valid(&v, &serde_json::from_str(line).unwrap());
    }
}

#[test]
fn same_input_same_bytes() {
    let input = std::fs::read(root().join("tests/fixtures/articles.jsonl")).unwrap();
    let a = enrich(&[], &input);
    let b = enrich(&[], &input);
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout);
    let plain = std::fs::read(root().join("tests/fixtures/plain-article.txt")).unwrap();
    let c = enrich(&["--format", "text"], &plain);
    let d = enrich(&["--format", "text"], &plain);
    assert_eq!(c.stdout, d.stdout);
    assert_eq!(events(&c)[0]["published"], "2024-01-09");
}

#[test]
fn bad_lines_are_reported_with_their_number_and_the_run_goes_on() {
    let input = b"{\"id\":\"ok-1\",\"text\":\"First article.\"}\n{\"id\":\"bad\"\n[1,2]\n\n{\"id\":\"x\"}\nplain \xff bytes\n{\"id\":\"ok-2\",\"text\":\"Second article.\"}\n";
    let out = enrich(&[], input);
    assert_eq!(out.status.code(), Some(1));
    let ids: Vec<String> = events(&out)
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, vec!["ok-1", "ok-2"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("line 2: invalid_json"), "{stderr}");
    assert!(stderr.contains("line 3: not_an_object"), "{stderr}");
    assert!(
        stderr.contains(
            "line 5: missing_body: missing field \"text\" (also accepted: \"body\", \"content\")"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("line 6: invalid_utf8"), "{stderr}");
}

#[test]
fn oversized_payload_is_rejected_by_the_configured_limit() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_article-enricher"));
    child.env("ARTICLE_ENRICHER__ENRICH__MAX_PAYLOAD_BYTES", "10");
    let out = child
        .args(["enrich", "--input"])
        .arg(root().join("tests/fixtures/plain-article.txt"))
        .args(["--format", "text"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("too_large"));
}

#[test]
fn polnear_train_set_enriches_and_validates() {
    let Some(path) = shared("polnear-train.jsonl") else {
        return;
    };
    let out = Command::new(env!("CARGO_BIN_EXE_article-enricher"))
        .args(["enrich", "--input"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let events = events(&out);
    assert_eq!(events.len(), 840);
    let v = validator("enriched-article.schema.json");
    for e in &events {
        assert_valid(&v, e);
    }
}

#[test]
fn bad_config_stops_with_the_key_name() {
    let out = Command::new(env!("CARGO_BIN_EXE_article-enricher"))
        .env("ARTICLE_ENRICHER__ENRICH__MAX_PAYLOAD_BYTE", "5")
        .args(["enrich"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr).to_lowercase();
    assert!(stderr.contains("max_payload_byte"), "{stderr}");
}

/// The schema check above could pass vacuously; make sure it bites.
#[test]
fn schema_rejects_broken_events() {
    let input = std::fs::read(root().join("tests/fixtures/articles.jsonl")).unwrap();
    let good = events(&enrich(&[], &input)).remove(0);
    let v = validator("enriched-article.schema.json");
    let broken = |f: &dyn Fn(&mut Value)| {
        let mut e = good.clone();
        f(&mut e);
        v.is_valid(&e)
    };
    assert!(broken(&|_| {}));
    assert!(!broken(&|e| e["published"] = "yesterday".into()));
    assert!(!broken(&|e| e["schema_version"] = 2.into()));
    assert!(!broken(&|e| e["surprise"] = 1.into()));
    assert!(!broken(&|e| e["paragraphs"][0]["start"] = (-1).into()));
    assert!(!broken(&|e| e["content_hash"] = "md5".into()));
}
