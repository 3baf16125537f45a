#!/usr/bin/env bash
# The real Flink CLI for the compatibility test (FlinkCLITests): apache-flink==2.3.0 from PyPI in .local/venv-flink,
# and Java 17 to run it. Only the CLI's scripts and jars are needed (apache-flink + apache-flink-libraries), not
# PyFlink's Python dependencies (Beam, pandas, pyarrow), so both install with --no-deps. Idempotent; prints nothing
# but errors. The test finds the CLI at .local/venv-flink/.../pyflink/bin/flink.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v java >/dev/null; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi
VENV=.local/venv-flink
if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
if ! "$VENV/bin/python" -c 'import os, pyflink; assert os.access(os.path.join(os.path.dirname(pyflink.__file__), "bin", "flink"), os.X_OK)' 2>/dev/null; then
    "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-deps apache-flink==2.3.0 apache-flink-libraries==2.3.0
fi
