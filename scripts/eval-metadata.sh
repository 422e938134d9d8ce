#!/usr/bin/env bash
# Title accuracy on ../shared/data/polnear-train.jsonl: every event's
# `title` field is removed before enrichment, so the title must come from
# the text; the headline before any `;` deck is compared with the gold
# one, ignoring case, spaces and punctuation.
#
# Usage: scripts/eval-metadata.sh [GOLD.jsonl]   (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."
gold="${1:-../shared/data/polnear-train.jsonl}"
if [[ ! -f "$gold" ]]; then
    echo "eval-metadata: skipped, $gold is absent (the shared data lives outside the repo)"
    exit 0
fi
cargo build --release --quiet
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
python3 -c '
import json, sys
for line in sys.stdin:
    event = json.loads(line)
    event.pop("title", None)
    print(json.dumps(event, ensure_ascii=False))
' < "$gold" | target/release/article-enricher enrich > "$out"
python3 scripts/score_titles.py "$gold" "$out"
