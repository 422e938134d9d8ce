#!/usr/bin/env bash
# A profile-guided (PGO) build of the worker, trained on a sample of news:
#   scripts/build-pgo.sh [TRAINING]            # the worker binary
#   scripts/build-pgo.sh --bench [TRAINING]    # the core's criterion bench, run
#                                              # (BENCH_FILTER, default bytes/enrich)
#
# The core branches on the text at every byte and token, and a quarter of
# its time goes to what the CPU learns from each new article, its branches
# above all (BENCHMARKS.md, "The core's time"). A profile of real runs
# tells the compiler which way each branch mostly goes and which code is
# hot, so it lays the code out for that: ~4 % more core throughput on
# articles it was not trained on ("Profile-guided build").
#
# cargo-pgo does the work: it builds an instrumented worker, which
# `article-enricher enrich` runs over TRAINING (JSON Lines, one raw event
# per line: a sample of your own topic is the best one), then merges the
# profiles and builds the optimized binary. With --bench, the core's
# `enrich_lines` trains instead, and criterion's bench is built and run.
# TRAINING defaults to ../shared/data/polnear-train.jsonl (840 news
# articles) when present, else tests/fixtures/articles.jsonl, which is too
# small to train well: the script says so.
#
# The tools are installed when missing: rustup's llvm-tools (llvm-profdata,
# matching the compiler's LLVM) and cargo-pgo, cached outside the
# repository like the broker (ARTICLE_ENRICHER_CACHE). The binary lands in
# target/HOST-TRIPLE/release/ (cargo-pgo names the target, so that build
# scripts are not instrumented; under CARGO_TARGET_DIR if set), and its
# path is printed; `cargo build --release` stays the plain build.
set -euo pipefail
cd "$(dirname "$0")/.."

bench=false
if [ "${1:-}" = "--bench" ]; then
  bench=true
  shift
fi
training=${1:-}
if [ -z "$training" ]; then
  if [ -f ../shared/data/polnear-train.jsonl ]; then
    training=../shared/data/polnear-train.jsonl
  else
    training=tests/fixtures/articles.jsonl
    echo "build-pgo: ../shared/data/polnear-train.jsonl is absent; training on" \
      "$training, a few short articles: expect less gain. Pass a sample of your" \
      "own articles (JSON Lines) to train well." >&2
  fi
fi
[ -r "$training" ] ||
  { echo "build-pgo: cannot read the training file '$training'" >&2; exit 2; }

# --- the tools ---------------------------------------------------------------
version=0.3.0
cache="${ARTICLE_ENRICHER_CACHE:-$HOME/.cache/article-enricher}"
root="$cache/cargo-pgo-$version"
if [ ! -x "$root/bin/cargo-pgo" ]; then
  echo "build-pgo: installing cargo-pgo $version into $root (first time only, ~1 min)" >&2
  CARGO_TARGET_DIR="$cache/cargo-pgo-build" \
    cargo install cargo-pgo --version "$version" --locked --root "$root" >&2
  rm -rf "$cache/cargo-pgo-build"
fi
export PATH="$root/bin:$PATH"
# (`cargo pgo info` fails while BOLT, which this script does not use, is
# missing: its output is what tells.)
info=$(cargo pgo info 2>&1 || true)
if ! grep -q '^\[llvm-profdata\]: found' <<<"$info"; then
  echo "build-pgo: adding rustup's llvm-tools (llvm-profdata)" >&2
  rustup component add llvm-tools >&2 ||
    { echo "build-pgo: 'rustup component add llvm-tools' failed; PGO needs llvm-profdata" \
      "of the compiler's LLVM version" >&2; exit 1; }
fi

# --- instrument, train, optimize ----------------------------------------------
target=$(rustc -vV | sed -n 's/^host: //p')
out="${CARGO_TARGET_DIR:-target}/$target/release"

# Runs the instrumented binary $1 (its remaining arguments after it) and
# checks that it wrote events. A line that fails to decode is reported and
# skipped, as in any run.
train() {
  echo "build-pgo: training on $training" >&2
  local events
  events=$({ "$@" || true; } | wc -l)
  [ "$events" -gt 0 ] ||
    { echo "build-pgo: the training run wrote no events; see the errors above" >&2; exit 1; }
  echo "build-pgo: $events events enriched" >&2
}

if $bench; then
  # A profile matches functions by their symbol names. Taken from the
  # worker, it missed 553 of the bench's: the worker's build names the
  # core's functions differently (most likely because it resolves the
  # core's dependencies with other features). So the core's own
  # `enrich_lines`, built as the bench builds the core, trains here.
  # (`cargo pgo build` clears the profiles of an earlier build.)
  echo "build-pgo: building the instrumented core" >&2
  cargo pgo build -- --locked -p enricher-core --example enrich_lines >&2
  train "$out/examples/enrich_lines" "$training"
  cargo pgo optimize bench -- --locked -p enricher-core --bench enrich -- \
    "${BENCH_FILTER:-^bytes/enrich\$}" >&2
  exit 0
fi
# The worker links librdkafka, built from source: make and perl.
scripts/ensure-build-deps.sh
echo "build-pgo: building the instrumented worker" >&2
cargo pgo build -- --locked --bin article-enricher >&2
train "$out/article-enricher" enrich --input "$training"
echo "build-pgo: building the optimized worker" >&2
cargo pgo optimize build -- --locked --bin article-enricher >&2
echo "$out/article-enricher"
