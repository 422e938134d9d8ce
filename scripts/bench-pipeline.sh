#!/usr/bin/env bash
# The pipeline benchmark (benches/pipeline.rs): a Tansu broker per case,
# the release worker binary, figures printed. Options go to the bench:
#   scripts/bench-pipeline.sh --quick                  # small N, a minute or two
#   scripts/bench-pipeline.sh                          # N = 50,000, 1,000/s for 30 s
#   scripts/bench-pipeline.sh --n=20000 --rate=500 --rate-secs=20 \
#       --large-n=100 --large-bytes=1048576 --slow-n=20000 --slow-secs=30 \
#       --cases=saturation,rate,large,slow
#   scripts/bench-pipeline.sh --storage=memory       # Tansu on memory://, not the
#                                                    # tests' sqlite: what sqlite costs
#   scripts/bench-pipeline.sh --cases=saturation,rate --rounds=5
#       # each case five times, its modes in turn; medians of the ratio and p99
#   scripts/bench-pipeline.sh --cases=saturation --rounds=3 --worker-cpus=1
#       # the worker under taskset -c 1, off the core the broker may take
#   scripts/bench-pipeline.sh --cases=saturation,rate --rounds=3 --enrich-threads=1
#       # one enrichment thread (worker.enrich_threads), the worker unpinned
# CPU-heavy: on a shared machine run it when the machine is quiet.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/ensure-build-deps.sh
TANSU_BIN="$(scripts/ensure-tansu.sh)"
export TANSU_BIN
# The worker's own logs stay at warn so that logging does not skew figures.
export TEST_WORKER_LOG="${TEST_WORKER_LOG:-warn,article_enricher=info}"
cargo bench --bench pipeline -- "$@"
