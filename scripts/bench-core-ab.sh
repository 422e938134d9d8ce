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
commit=$(git rev-parse --verify --quiet "$rev^{commit}") ||
  { echo "bench-core-ab: '$rev' is not a git revision" >&2; exit 2; }

repo=$PWD
work=$repo/target/bench-core-ab
mkdir -p "$work"
tree=$work/$commit
git worktree add --detach --force "$tree" "$commit" >/dev/null 2>&1 || true
# The worktree goes when the script ends; its build (target-a) stays.
trap 'git worktree remove --force "$tree" 2>/dev/null || true' EXIT
# The bench finds the corpus at ../shared beside its checkout: give the
# worktree the same one.
if [ -d "$repo/../shared" ] && [ ! -e "$work/shared" ]; then
  ln -s "$repo/../shared" "$work/shared"
fi

# Builds the core's criterion binary in $1 (a checkout) and prints its path.
build() {
  (cd "$1" && CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$1/target}" \
    cargo bench -p enricher-core --bench enrich --no-run 2>&1) |
    sed -n 's/.*Executable .*(\(.*\))$/\1/p' | tail -1
}
echo "building A ($rev = ${commit:0:7}) and B (the working tree)..." >&2
bin_a=$(CARGO_TARGET_DIR="$work/target-a" build "$tree")
bin_b=$(build "$repo")
[ -x "$bin_a" ] && [ -x "$bin_b" ] || { echo "bench-core-ab: a build failed" >&2; exit 1; }

# One criterion run of $2 from checkout $1: the middle throughput estimate
# and its unit, then the bench's line naming its corpus.
run() {
  (cd "$1/core" && "$2" --bench "$filter" --warm-up-time 1 --measurement-time 4 --noplot 2>&1) |
    awk '/^corpus:/ { corpus = $0 } /thrpt:/ && !figure { figure = $4 " " $5 } END { print figure; print corpus }'
}

echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
corpus=""
for round in $(seq "$rounds"); do
  { read -r a; read -r corpus_a; } < <(run "$tree" "$bin_a")
  { read -r b; read -r corpus; } < <(run "$repo" "$bin_b")
  [ "$corpus_a" = "$corpus" ] || { echo "bench-core-ab: A and B read different corpora" >&2; exit 1; }
  echo "round $round: A $a   B $b"
  echo "${a%% *} ${b%% *}" >> "$work/figures.$$"
done
awk '{ a += $1; b += $2; if ($2 > $1) wins++ } END {
  printf "means over %d rounds: A %.2f, B %.2f (B/A %.3f); B faster in %d\n", NR, a / NR, b / NR, b / a, wins }' "$work/figures.$$"
rm -f "$work/figures.$$"
echo "$corpus"
