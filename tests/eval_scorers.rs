//! The evaluation scorers under `scripts/` check themselves (`--self-test`:
//! matching rules, optional names, micro-averaged totals on small made-up
//! cases), so that a scorer bug cannot hide behind a figure in the README.
//! The evaluations proper need `../shared/data` and run by hand
//! (`scripts/eval-entities.sh`, `scripts/eval-quotes.sh`).

use std::path::PathBuf;
use std::process::Command;

fn self_test(script: &str) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("python3")
        .arg(root.join("scripts").join(script))
        .arg("--self-test")
        .output()
        .expect("python3 runs (the test suite needs it for kafka-python too)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("self-test passed"),
        "{script} --self-test failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn people_scorer_passes_its_self_test() {
    self_test("eval-people.py");
}

#[test]
fn organization_and_place_scorer_passes_its_self_test() {
    self_test("eval-organizations-places.py");
}

/// Every gold line names an article, and every entity has at least one
/// name: an empty entry would be a miss no system could avoid.
#[test]
fn organization_and_place_gold_is_well_formed() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let gold = std::fs::read_to_string(root.join("eval/organizations-places-gold.jsonl")).unwrap();
    let rows: Vec<serde_json::Value> = gold
        .lines()
        .map(|l| serde_json::from_str(l).expect("each gold line is JSON"))
        .collect();
    assert_eq!(rows.len(), 20);
    for row in &rows {
        assert!(row["id"].is_string(), "{row}");
        for kind in [
            "organizations",
            "places",
            "optional_organizations",
            "optional_places",
        ] {
            for entry in row[kind].as_array().expect(kind) {
                let names = entry.as_array().expect("an entry is a list of names");
                assert!(
                    !names.is_empty()
                        && names
                            .iter()
                            .all(|n| n.as_str().is_some_and(|s| !s.trim().is_empty())),
                    "{}: {kind}: {entry}",
                    row["id"]
                );
            }
        }
    }
}
