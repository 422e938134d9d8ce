#!/usr/bin/env bash
# People precision/recall on the 20 hand-annotated PolNeAR train articles
# (eval/people-gold.jsonl; how they were chosen and annotated: eval/README.md).
#
# Enriches the whole train file with the release binary and scores the people
# of the gold ids. Extra arguments go to scripts/eval-people.py (e.g. --verbose).
# Skips with exit 0 when ../shared/data/ is absent (it is never committed).
set -euo pipefail
cd "$(dirname "$0")/.."

DATA=../shared/data/polnear-train.jsonl
if [ ! -f "$DATA" ]; then
  echo "eval-people: skipped: $DATA not found (the shared PolNeAR data is not on this machine)"
  exit 0
fi

cargo build --release --quiet

tmp="$(mktemp "${TMPDIR:-/tmp}/eval-people.XXXXXX.jsonl")"
trap 'rm -f "$tmp"' EXIT

# `enrich` exits 1 when some line fails to decode but still writes the rest;
# report that and score what was written.
status=0
"${CARGO_TARGET_DIR:-target}/release/article-enricher" enrich < "$DATA" > "$tmp" || status=$?
if [ "$status" -ne 0 ]; then
  echo "eval-people: warning: article-enricher enrich exited $status; scoring its output anyway" >&2
  if [ ! -s "$tmp" ]; then
    echo "eval-people: no output to score" >&2
    exit "$status"
  fi
fi

python3 scripts/eval-people.py "$@" eval/people-gold.jsonl "$tmp"
