#!/usr/bin/env bash
# The demo: the whole highlights system on local defaults. Installs what is missing, starts PostgreSQL, Redis and the
# Kafka-compatible broker, the Twitch fake playing configs/scenarios/demo.yaml, a Dataflow cluster running the clip
# detector, the stream monitor and the clips API — then shows clips appearing as chat bursts happen. Ctrl-C stops it.
#
#   scripts/demo.sh                  # builds release binaries once, then runs until Ctrl-C
#   scripts/demo.sh --replay [...]   # the earlier demo: the clip detector over the recorded chat-d1 stream, locally
#
# Environment overrides (tests use them to run the demo beside other servers): DEMO_BIN (a folder holding dataflow and
# highlights; default: build .build/release), DEMO_SCENARIO, DEMO_OUT (logs), DEMO_EXIT_AFTER_CLIPS=N (exit 0 once the
# API lists N clips), DEMO_TIMEOUT (seconds, with DEMO_EXIT_AFTER_CLIPS), and the ports: TWITCH_FAKE_HTTP_PORT (7700),
# TWITCH_FAKE_IRC_PORT (6667), REST_PORT (8081), JOB_PROMETHEUS_PORT (9249), MONITOR_PROMETHEUS_PORT (9100),
# HEALTH_CHECK_PORT (8080), HTTP_PORT (5000), and DEMO_TOPIC (chat-messages), DEMO_DATABASE (highlights).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--replay" ]; then
    shift
    scripts/install-deps.sh
    swift build -c release --product dataflow
    echo "+ .build/release/dataflow run clip-detector-replay --local $*"
    .build/release/dataflow run clip-detector-replay --local "$@"
    exit 0
fi

scripts/install-deps.sh
scripts/servers.sh start
eval "$(scripts/servers.sh env)"

if [ -z "${DEMO_BIN:-}" ]; then
    echo "building release binaries (the first time takes a few minutes)…"
    swift build -c release --product dataflow
    swift build -c release --product highlights
    DEMO_BIN=.build/release
fi
BIN=$(cd "$DEMO_BIN" && pwd)
SCENARIO=${DEMO_SCENARIO:-configs/scenarios/demo.yaml}
OUT=${DEMO_OUT:-out/demo}
FAKE_HTTP=${TWITCH_FAKE_HTTP_PORT:-7700}
FAKE_IRC=${TWITCH_FAKE_IRC_PORT:-6667}
REST=${REST_PORT:-8081}
JOB_PROM=${JOB_PROMETHEUS_PORT:-9249}
MON_PROM=${MONITOR_PROMETHEUS_PORT:-9100}
HEALTH=${HEALTH_CHECK_PORT:-8080}
API=${HTTP_PORT:-5000}
TOPIC=${DEMO_TOPIC:-chat-messages}
DATABASE=${DEMO_DATABASE:-highlights}
PG_BASE=${POSTGRES_URL%/*}
export POSTGRES_URL="$PG_BASE/$DATABASE"
mkdir -p "$OUT"

pids=()
stop_all() {
    trap - INT TERM EXIT
    echo
    echo "stopping…"
    # Reverse start order: the monitor flushes its chat to Kafka before the job and the fake go away.
    for ((i=${#pids[@]}-1; i>=0; i--)); do kill -TERM "${pids[i]}" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    done
    echo "stopped; logs in $OUT/"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

wait_for() {   # wait_for NAME URL [SECONDS]
    local name=$1 url=$2 limit=${3:-60}
    for _ in $(seq $((limit * 10))); do
        curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "$name did not come up at $url; see $OUT/$name.log" >&2
    tail -20 "$OUT/$name.log" >&2 || true
    exit 1
}

# A fresh start: the demo's clips and streamers, and the detector's consumer group (a new one per run).
psql -q "$POSTGRES_URL" -f infrastructure/postgres/init.sql >/dev/null
psql -q "$POSTGRES_URL" -c "TRUNCATE clips, streamers" >/dev/null
GROUP="clip-detector-demo-$(date +%s)"

export TWITCH_API_BASE_URL="http://127.0.0.1:$FAKE_HTTP/helix"
export TWITCH_AUTH_BASE_URL="http://127.0.0.1:$FAKE_HTTP/oauth2"
export TWITCH_IRC_URL="irc://127.0.0.1:$FAKE_IRC"
export TWITCH_CLIENT_ID=fake-client-id-highlights-0001 TWITCH_CLIENT_SECRET=fake-client-secret
export TWITCH_USER_REFRESH_TOKEN=fake-refresh-token
export LOG_FORMAT=json

"$BIN/highlights" twitch-fake --scenario "$SCENARIO" --http-port "$FAKE_HTTP" --irc-port "$FAKE_IRC" >"$OUT/twitch-fake.log" 2>&1 &
pids+=($!)
wait_for twitch-fake "http://127.0.0.1:$FAKE_HTTP/_fake/state"

"$BIN/dataflow" cluster -D rest.port="$REST" -D metrics.reporter.prom.port="$JOB_PROM" >"$OUT/cluster.log" 2>&1 &
pids+=($!)
wait_for cluster "http://127.0.0.1:$REST/overview"

HTTP_PORT=$API "$BIN/highlights" api --port "$API" >"$OUT/api.log" 2>&1 &
pids+=($!)
wait_for api "http://127.0.0.1:$API/health"

"$BIN/dataflow" run clip-detector -m "127.0.0.1:$REST" -d -D topic="$TOPIC" -D group-id="$GROUP" \
    -D postgres-url="$POSTGRES_URL" -D brokers="$KAFKA_BOOTSTRAP_SERVERS" >"$OUT/submit.log" 2>&1 \
    || { cat "$OUT/submit.log" >&2; exit 1; }
JOB_ID=$(sed -nE 's/^Job has been submitted with JobID ([0-9a-f]{32})$/\1/p' "$OUT/submit.log" | head -1)
# The id is what `dataflow modify`, `stop` and `cancel` take: without it the printed commands would not work.
[ -n "$JOB_ID" ] || { echo "no job id in the submission's output:" >&2; cat "$OUT/submit.log" >&2; exit 1; }

channels=$(awk '/login:/ {print $2}' "$SCENARIO" | paste -sd, -)
"$BIN/highlights" monitor --channels "$channels" --chat-topic "$TOPIC" --poll-interval 10 --live-ttl 25 \
    --prometheus-port "$MON_PROM" --health-port "$HEALTH" >"$OUT/monitor.log" 2>&1 &
pids+=($!)
wait_for monitor "http://127.0.0.1:$HEALTH/health"

cat <<EOF

Highlights is running on local defaults.
  clips page          http://127.0.0.1:$API/
  clips API           http://127.0.0.1:$API/v1.0/clip?limit=10
  Dataflow dashboard  http://127.0.0.1:$REST/   (job $JOB_ID)
  job metrics         http://127.0.0.1:$JOB_PROM/metrics
  monitor metrics     http://127.0.0.1:$MON_PROM/metrics    health http://127.0.0.1:$HEALTH/health
  Twitch fake         http://127.0.0.1:$FAKE_HTTP/_fake/state   (scenario $SCENARIO: channels $channels)
  logs                $OUT/
  rescale the job     $BIN/dataflow modify $JOB_ID -p 3 -m 127.0.0.1:$REST
                      (1 to 4 on the cluster's 4 slots: a savepoint, state moved by key group, no clip lost or made twice)
The first burst of chat comes about 35 s in; its clip shows up a few seconds later. Ctrl-C stops everything.

EOF

start=$(date +%s)
declare -A shown=()
while true; do
    page=$(curl -fsS "http://127.0.0.1:$API/v1.0/clip?limit=100" 2>/dev/null || echo '{"data":[]}')
    while IFS=$'\t' read -r id line; do
        [ -n "$id" ] || continue
        if [ -z "${shown[$id]:-}" ]; then shown[$id]=1; echo "  new clip  $line"; fi
    done < <(python3 -c '
import json, sys
for c in reversed(json.load(sys.stdin).get("data", [])):
    print("%s\t%-14s %-32s %4s msgs in 5 s (baseline %.1f)  %s" % (c.get("id") or c.get("anomaly_id"), c.get("broadcaster_login") or c.get("broadcaster_id"),
          (c.get("title") or "")[:32], c.get("message_count"), c.get("baseline_mean") or 0, c.get("url") or ""))
' <<<"$page")
    if [ -n "${DEMO_EXIT_AFTER_CLIPS:-}" ]; then
        if [ "${#shown[@]}" -ge "$DEMO_EXIT_AFTER_CLIPS" ]; then echo "demo: ${#shown[@]} clips"; exit 0; fi
        if [ $(( $(date +%s) - start )) -ge "${DEMO_TIMEOUT:-180}" ]; then
            echo "demo: only ${#shown[@]} clips after ${DEMO_TIMEOUT:-180} s" >&2; exit 1
        fi
    fi
    for pid in "${pids[@]}"; do
        kill -0 "$pid" 2>/dev/null || { echo "a demo process ($pid) stopped; see $OUT/*.log" >&2; exit 1; }
    done
    sleep 3
done
