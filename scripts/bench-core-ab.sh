#!/usr/bin/env bash
# The core benchmark of two builds, alternating, in the same minutes:
#   scripts/bench-core-ab.sh REV [ROUNDS] [FILTER]
#   scripts/bench-core-ab.sh main~1                     # 6 rounds of bytes/enrich
#   scripts/bench-core-ab.sh 20fb556 4 '^stage/entities$'
#
# A is the core at git revision REV, B the working tree. The machines these
# benches run on change speed by 10-20 % within minutes (BENCHMARKS.md), so
# two figures taken an hour apart compare the machine, not the builds: this
# runs each build's criterion binary in turn, ROUNDS times, and prints every
# figure and the means. REV is checked out in a worktree under target/, and
# both binaries read the same corpus (../shared when present).
set -euo pipefail
cd "$(dirname "$0")/.."

rev=${1:?usage: scripts/bench-core-ab.sh REV [ROUNDS] [FILTER]}
rounds=${2:-6}
filter=${3:-'^bytes/enrich$'}
[[ $rounds =~ ^[1-9][0-9]*$ ]] ||
  { echo "bench-core-ab: ROUNDS must be a positive number, not '$rounds'" >&2; exit 2; }
commit=$(git rev-parse --verify --quiet "$rev^{commit}") ||
  { echo "bench-core-ab: '$rev' is not a git revision" >&2; exit 2; }

repo=$PWD
work=$repo/target/bench-core-ab
mkdir -p "$work"
tree=$work/$commit
# (A directory left by a killed run holds the same commit: it is reused.)
if [ ! -d "$tree" ]; then
  git worktree add --detach "$tree" "$commit" >/dev/null ||
    { echo "bench-core-ab: cannot check $rev out in $tree" >&2; exit 1; }
fi
# The worktree goes when the script ends; its build (target-a) stays.
trap 'git worktree remove --force "$tree" 2>/dev/null || true' EXIT
# The bench finds the corpus at ../shared beside its checkout: give the
# worktree the same one.
if [ -d "$repo/../shared" ] && [ ! -e "$work/shared" ]; then
  ln -s "$repo/../shared" "$work/shared"
fi

# Builds the core's criterion binary in checkout $1, cargo's output going
# to log $2, and prints the binary's absolute path (cargo prints it
# relative to the checkout when the target directory is inside it, and the
# runs below start in `core/`).
build() {
  (cd "$1" && CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$1/target}" \
    cargo bench -p enricher-core --bench enrich --no-run >"$2" 2>&1) || true
  local bin
  bin=$(sed -n 's/.*Executable .*(\(.*\))$/\1/p' "$2" | tail -1)
  [ -n "$bin" ] && (cd "$1" && realpath "$bin")
}
echo "building A ($rev = ${commit:0:7}) and B (the working tree)..." >&2
bin_a=$(CARGO_TARGET_DIR="$work/target-a" build "$tree" "$work/build-a.log")
bin_b=$(build "$repo" "$work/build-b.log")
for x in a b; do
  bin=bin_$x
  [ -x "${!bin}" ] ||
    { echo "bench-core-ab: building ${x^^} failed; see $work/build-$x.log" >&2; exit 1; }
done

# One criterion run of $2 from checkout $1: the middle throughput estimate
# and its unit, then the bench's line naming its corpus.
run() {
  (cd "$1/core" && "$2" --bench "$filter" --warm-up-time 1 --measurement-time 4 --noplot 2>&1) |
    awk '/^corpus:/ { corpus = $0 } /thrpt:/ && !figure { figure = $4 " " $5 } END { print figure; print corpus }'
}

echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
corpus="" figures=""
for round in $(seq "$rounds"); do
  { read -r a; read -r corpus_a; } < <(run "$tree" "$bin_a")
  { read -r b; read -r corpus; } < <(run "$repo" "$bin_b")
  [ "$corpus_a" = "$corpus" ] || { echo "bench-core-ab: A and B read different corpora" >&2; exit 1; }
  echo "round $round: A $a   B $b"
  figures+="${a%% *} ${b%% *}"$'\n'
done
printf '%s' "$figures" | awk '{ a += $1; b += $2; if ($2 > $1) wins++ } END {
  printf "means over %d rounds: A %.2f, B %.2f (B/A %.3f); B faster in %d\n", NR, a / NR, b / NR, b / a, wins }'
echo "$corpus"
