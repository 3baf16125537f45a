#!/usr/bin/env bash
# The chaos run (issue 11): the live system — Twitch fake, monitor, a JobManager with two TaskManager processes
# running the clip detector, the clips API, PostgreSQL, Redis, Tansu — plays a generated scenario while faults hit it
# on a schedule (TaskManager and JobManager kill -9, broker stalled, PostgreSQL and Redis restarted, Helix 5xx, 401,
# 429 and latency, IRC drop and RECONNECT, a savepoint into a full disk). At the end it checks the invariants and
# prints them as a table (also out/chaos/report.md); it exits 1 if one fails.
#
#   scripts/chaos.sh                       # 30 minutes, a fault a minute
#   scripts/chaos.sh --minutes 8 --fault-every 30
#
# CHAOS_BIN names a folder with release `dataflow` and `highlights` (default: builds .build/release).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/servers.sh start
eval "$(scripts/servers.sh env)"
if [ -z "${CHAOS_BIN:-}" ]; then
    swift build -c release --product dataflow
    swift build -c release --product highlights
    CHAOS_BIN=.build/release
fi
# The venv of scripts/servers.sh has confluent_kafka, which the Kafka invariant reads the topic with.
exec .local/venv/bin/python scripts/chaos.py --bin "$(cd "$CHAOS_BIN" && pwd)" "$@"
