#!/usr/bin/env bash
# Scores the direct-quote extractor on the PolNeAR training articles.
#
# Builds the release binary, enriches ../shared/data/polnear-train.jsonl and
# runs ../shared/tools/score_quotes.py on the result. Only `kind == "direct"`
# quotes are scored: the gold set holds direct quotations, and indirect
# speech has no quotation marks to match (it would count as neutral or, when
# it overlaps a direct quote, blur which quote found it).
#
# Usage: scripts/eval-quotes.sh [OUT.jsonl]   (default: target/eval/quotes.jsonl)
set -euo pipefail

cd "$(dirname "$0")/.."
gold=../shared/data/polnear-train.jsonl
scorer=../shared/tools/score_quotes.py
if [[ ! -f $gold || ! -f $scorer ]]; then
    echo "SKIPPED: $gold or $scorer not found (they live outside the repository)" >&2
    exit 0
fi
out=${1:-target/eval/quotes.jsonl}
mkdir -p "$(dirname "$out")"

cargo build --release --quiet
start=$(date +%s.%N)
"${CARGO_TARGET_DIR:-target}/release/article-enricher" enrich <"$gold" >"$out.all"
end=$(date +%s.%N)
python3 - "$out.all" "$out" <<'PY'
import json, sys
with open(sys.argv[1], encoding="utf-8") as src, open(sys.argv[2], "w", encoding="utf-8") as dst:
    for line in src:
        event = json.loads(line)
        quotes = [q for q in event["quotes"] if q["kind"] == "direct"]
        dst.write(json.dumps({"id": event["id"], "quotes": quotes}) + "\n")
PY
rm -f "$out.all"
python3 "$scorer" "$gold" "$out"
awk -v s="$start" -v e="$end" -v b="$(wc -c <"$gold")" \
    'BEGIN { printf "enrich: %.2f s for %.1f MB of JSON lines (whole pipeline, one core)\n", e - s, b / 1e6 }'
