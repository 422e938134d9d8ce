#!/usr/bin/env bash
# The full chaos run (tests/chaos.rs, chaos_full_nothing_lost): a Tansu
# broker with sqlite storage, CHAOS_ARTICLES articles (default 20,000, each
# with a unique id) streamed at CHAOS_RATE per second (default 250), the
# worker SIGKILLed CHAOS_KILLS times (default 3) at random moments and
# restarted, the broker SIGKILLed and restarted once on the same sqlite
# file. Fails if any input id has no output; prints the duplicate count.
# CHAOS_SEED replays a schedule (the seed is printed).
#   scripts/chaos.sh                     # 20,000 articles
#   CHAOS_ARTICLES=2000 scripts/chaos.sh
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/ensure-build-deps.sh
TANSU_BIN="$(scripts/ensure-tansu.sh)"
export TANSU_BIN
export CHAOS_ARTICLES="${CHAOS_ARTICLES:-20000}"
cargo test --release --test chaos -- --ignored --nocapture --test-threads=1 chaos_full_nothing_lost
