#!/usr/bin/env bash
# Installs what the dashboard check needs (Chromium + chromedriver from Debian, Selenium in a venv under /tmp — nothing
# in the repository) and runs it. Extra arguments go to dashboard_check.py, e.g. --url http://127.0.0.1:8081/
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${DASHBOARD_VENV:-/tmp/dashvenv}"
if ! command -v chromedriver >/dev/null || ! { command -v chromium >/dev/null || command -v chromium-browser >/dev/null; }; then
  echo "installing chromium and chromium-driver" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import selenium' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q selenium
fi
exec "$venv/bin/python" "$here/dashboard_check.py" "$@"
