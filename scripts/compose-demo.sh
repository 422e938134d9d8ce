#!/usr/bin/env bash
# With `docker compose up --build` running: produce an article into the
# input topic with kcat and read its enriched event back.
#
#   scripts/compose-demo.sh [ARTICLE.txt]   (default: ../shared/data/seed-article.txt,
#                                            else tests/fixtures/plain-article.txt)
# Needs kcat on the host (Debian/Ubuntu: apt-get install kcat).
set -euo pipefail
cd "$(dirname "$0")/.."

article="${1:-}"
if [ -z "$article" ]; then
  article=../shared/data/seed-article.txt
  [ -f "$article" ] || article=tests/fixtures/plain-article.txt
fi
command -v kcat >/dev/null || { echo "compose-demo: kcat is missing; install it (apt-get install kcat)" >&2; exit 1; }

key="demo-$(date +%s)"
# -D '\0' (a delimiter that never occurs) sends the whole file as one message.
kcat -b localhost:9092 -P -t articles.raw -k "$key" -D '\0' "$article"
echo "produced $article as key $key; waiting for its enriched event…" >&2
kcat -b localhost:9092 -C -t articles.enriched -o beginning -e -q \
  -f '%k\t%s\n' | awk -F'\t' -v k="$key" '$1 == k { print $2; found=1 } END { exit !found }'
