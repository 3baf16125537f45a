#!/usr/bin/env bash
# Installs the system packages the build, the tests and the demo need (Debian 12), once; quiet when all are present.
set -euo pipefail
packages=(libzstd-dev zstd pkg-config librdkafka-dev libpq-dev libhiredis-dev libcurl4-openssl-dev postgresql redis-server python3-venv)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
    echo "installing: ${missing[*]}"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "swift is not on PATH (Swift 6.x is required)" >&2; exit 1; }
