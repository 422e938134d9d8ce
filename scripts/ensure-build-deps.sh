#!/usr/bin/env bash
# Installs the system libraries the build links against, only when missing:
# OpenSSL's headers for librdkafka's SSL and SASL (PLAIN, SCRAM, OAUTHBEARER)
# support, and pkg-config to find them. librdkafka itself is built from the
# source bundled in the rdkafka-sys crate (configure + make, no cmake).
set -euo pipefail

missing=()
for pkg in libssl-dev pkg-config; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "ensure-build-deps: installing ${missing[*]}" >&2
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >&2
fi
