#!/usr/bin/env bash
# Entity precision/recall on the 20 hand-annotated PolNeAR train articles:
# people (eval/people-gold.jsonl) and organizations and places
# (eval/organizations-places-gold.jsonl); how they were chosen and
# annotated: eval/README.md.
#
# Usage: scripts/eval-entities.sh [people|organizations-places|all] [--verbose]
#
# Enriches the whole train file once with the release binary and scores the
# gold ids. Skips with exit 0 when ../shared/data/ is absent (it is never
# committed).
set -euo pipefail
cd "$(dirname "$0")/.."

which=all
case "${1:-}" in
  people | organizations-places | all) which=$1; shift ;;
  -* | "") ;;
  *)
    echo "eval-entities: unknown kind '$1': use people, organizations-places or all (or none, for all), then --verbose if wanted" >&2
    exit 2
    ;;
esac

DATA=../shared/data/polnear-train.jsonl
if [ ! -f "$DATA" ]; then
  echo "eval-entities: skipped: $DATA not found (the shared PolNeAR data is not on this machine)"
  exit 0
fi

cargo build --release --quiet

tmp="$(mktemp "${TMPDIR:-/tmp}/eval-entities.XXXXXX.jsonl")"
trap 'rm -f "$tmp"' EXIT

# `enrich` exits 1 when some line fails to decode but still writes the rest;
# report that and score what was written.
status=0
"${CARGO_TARGET_DIR:-target}/release/article-enricher" enrich < "$DATA" > "$tmp" || status=$?
if [ "$status" -ne 0 ]; then
  echo "eval-entities: warning: article-enricher enrich exited $status; scoring its output anyway" >&2
  if [ ! -s "$tmp" ]; then
    echo "eval-entities: no output to score" >&2
    exit "$status"
  fi
fi

if [ "$which" != organizations-places ]; then
  python3 scripts/eval-people.py "$@" eval/people-gold.jsonl "$tmp"
fi
if [ "$which" != people ]; then
  python3 scripts/eval-organizations-places.py "$@" eval/organizations-places-gold.jsonl "$tmp"
fi
