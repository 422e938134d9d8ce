#!/usr/bin/env bash
# Metadata figures on ../shared/data/polnear-train.jsonl (or the file given):
#
# - accuracy: every event's `title` field is removed before enrichment, so
#   the title must come from the text; the headline before any `;` deck is
#   compared with the gold one, ignoring case, spaces and punctuation;
# - false titles: the headline line (and its deck) is also cut from the
#   text, so the article starts with its lede; every title found then is
#   wrong. Polnear ends every paragraph with a period, headlines included,
#   which makes one-sentence ledes look like headlines: this counts them;
# - published dates taken from the text (datelines, ledes), checked
#   against the corpus dates, and the number of datelines found.
#
# Usage: scripts/eval-metadata.sh [GOLD.jsonl]   (from anywhere)
set -euo pipefail
cd "$(dirname "$0")/.."
gold="${1:-../shared/data/polnear-train.jsonl}"
if [[ ! -f "$gold" ]]; then
    echo "eval-metadata: skipped, $gold is absent (the shared data lives outside the repo)"
    exit 0
fi
cargo build --release --quiet
enrich="${CARGO_TARGET_DIR:-target}/release/article-enricher"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT

python3 scripts/strip_titles.py < "$gold" | "$enrich" enrich > "$out"
python3 scripts/score_titles.py "$gold" "$out"
# Polnear events carry their date as `published`, which the decoder keeps
# under `extra`: any `published` in the output came from the text.
python3 -c '
import json, sys
gold = {}
for line in open(sys.argv[1], encoding="utf-8"):
    event = json.loads(line)
    gold[event["id"]] = event.get("published")
found = right = datelines = 0
for line in open(sys.argv[2], encoding="utf-8"):
    event = json.loads(line)
    datelines += event.get("dateline") is not None
    if event.get("published"):
        found += 1
        right += event["published"][:10] == gold.get(event["id"])
print(f"published from the text: {found} articles, {right} equal to the corpus date; datelines: {datelines}")
' "$gold" "$out"

python3 scripts/strip_titles.py --headline-too < "$gold" | "$enrich" enrich > "$out"
python3 -c '
import json, sys
events = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
wrong = sum(1 for e in events if e.get("title") is not None)
print(f"false titles with the headline cut from the text: {wrong}/{len(events)} = {wrong / max(len(events), 1):.4f}")
' "$out"
