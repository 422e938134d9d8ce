#!/usr/bin/env bash
# Installs the Kafka-compatible broker Tansu that the Kafka tests talk to,
# once per machine: a cold build takes about 25 minutes on 2 cores, so the
# binary is cached outside the repository and rebuilt only when missing.
#
# Prints the path of the tansu binary on stdout; build logs go to stderr.
# Override the cache folder with ARTICLE_ENRICHER_CACHE.
set -euo pipefail

version="${TANSU_VERSION:-0.6.0}"
cache="${ARTICLE_ENRICHER_CACHE:-$HOME/.cache/article-enricher}"
root="$cache/tansu-$version"
bin="$root/bin/tansu"

if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi

mkdir -p "$root"
echo "ensure-tansu: building tansu $version into $root (first time only, ~25 min on 2 cores)" >&2
# A private target dir keeps this build apart from the project's own.
CARGO_TARGET_DIR="$cache/tansu-build" \
  cargo install tansu --version "$version" --locked \
    --features dynostore,libsql --root "$root" >&2
rm -rf "$cache/tansu-build"
echo "$bin"
