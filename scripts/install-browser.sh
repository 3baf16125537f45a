#!/usr/bin/env bash
# Headless Chromium for the web tests (dashboard, clips page): Debian's chromium + chromium-driver, and selenium in
# .local/venv-browser. Idempotent; prints nothing but errors. The tests find the Python in .local/venv-browser/bin.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi
VENV=.local/venv-browser
if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
"$VENV/bin/python" -c "import selenium" 2>/dev/null || "$VENV/bin/pip" install -q selenium==4.*
