#!/usr/bin/env bash
# Runs each fuzz target (raw-event decoding, enrichment of arbitrary text)
# for FUZZ_SECONDS (default 300) and reports executions and crashes.
#
#   scripts/fuzz.sh                 # every target, 5 minutes each
#   FUZZ_SECONDS=30 scripts/fuzz.sh enrich
#
# cargo-fuzz is installed into the project cache when missing. libFuzzer
# needs nightly compiler flags; RUSTC_BOOTSTRAP lets the machine's stable
# toolchain accept them. The committed seeds in fuzz/seeds/ are copied to a
# scratch corpus, so a run never writes into the repository; crashes are
# saved under fuzz/artifacts/ (ignored by git) to become regression tests.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-300}"
cache="${ARTICLE_ENRICHER_CACHE:-$HOME/.cache/article-enricher}"
cargo_fuzz="$cache/cargo-fuzz/bin/cargo-fuzz"
if [ ! -x "$cargo_fuzz" ]; then
  echo "fuzz: installing cargo-fuzz into $cache/cargo-fuzz (first time only)" >&2
  cargo install cargo-fuzz --locked --root "$cache/cargo-fuzz" >&2
fi
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(decode enrich)

status=0
for target in "${targets[@]}"; do
  corpus="$(mktemp -d)"
  cp fuzz/seeds/"$target"/* "$corpus"/
  log="$(mktemp)"
  echo "fuzz: $target for ${seconds}s" >&2
  if RUSTC_BOOTSTRAP=1 "$cargo_fuzz" fuzz run --fuzz-dir fuzz --sanitizer none "$target" "$corpus" -- \
      -max_total_time="$seconds" -dict=fuzz/enrich.dict -max_len=65536 -print_final_stats=1 >"$log" 2>&1; then
    result="clean"
  else
    result="CRASH (see fuzz/artifacts/$target/)"
    status=1
  fi
  execs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
  echo "$target: ${execs:-?} executions in ${seconds}s, $result"
  [ "$result" = clean ] || tail -40 "$log"
  rm -rf "$corpus" "$log"
done
exit $status
