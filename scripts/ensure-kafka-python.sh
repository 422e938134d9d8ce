#!/usr/bin/env bash
# Installs kafka-python (a Kafka client independent of librdkafka) into a
# cached virtual environment, so that a test can check the wire format with
# a second implementation. Prints the path of the environment's python.
set -euo pipefail

cache="${ARTICLE_ENRICHER_CACHE:-$HOME/.cache/article-enricher}"
venv="$cache/kafka-python-venv"
py="$venv/bin/python"

if [ -x "$py" ] && "$py" -c 'import kafka' 2>/dev/null; then
  echo "$py"
  exit 0
fi
mkdir -p "$cache"
echo "ensure-kafka-python: installing kafka-python into $venv" >&2
python3 -m venv "$venv" >&2
"$py" -m pip install --quiet --disable-pip-version-check 'kafka-python==2.2.*' >&2
echo "$py"
