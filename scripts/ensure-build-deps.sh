#!/usr/bin/env bash
# Installs the build tools the native dependencies need, only when missing:
# `make` for librdkafka (built from the source bundled in the rdkafka-sys
# crate: configure + make, no cmake) and `perl` for OpenSSL, which the
# `ssl-vendored` feature builds from source into the binary (SSL and SASL
# PLAIN, SCRAM, OAUTHBEARER). No OpenSSL headers or pkg-config are needed.
set -euo pipefail

missing=()
for tool in make perl; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "ensure-build-deps: installing ${missing[*]}" >&2
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >&2
fi
