#!/usr/bin/env bash
# The whole test suite, as the README's second command and CI run it.
#
# Installs what the tests need when it is missing (the Tansu broker, built
# once per machine; kafka-python in a virtual environment), then runs every
# test of the workspace. The Kafka tests start their own broker processes on
# free loopback ports and stop them when done.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/ensure-build-deps.sh
TANSU_BIN="$(scripts/ensure-tansu.sh)"
export TANSU_BIN
KAFKA_PYTHON="$(scripts/ensure-kafka-python.sh)"
export KAFKA_PYTHON

cargo test --workspace --all-targets "$@"
