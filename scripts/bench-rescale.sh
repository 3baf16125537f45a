#!/usr/bin/env bash
# Rescaling cost, release build: the replay job follows a topic holding all of chat-d1 (775,436 messages) on a
# `dataflow cluster`; once everything is read, hyperfine times whole `dataflow modify -p N` commands (savepoint of
# the full state — windows, baselines, the sorted sinks' rows — written, read back, key groups redistributed, job
# redeployed and RUNNING) and `dataflow savepoint` (the same cycle at the same parallelism).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
command -v hyperfine >/dev/null || apt-get install -y -qq hyperfine >/dev/null
scripts/servers.sh start >/dev/null
eval "$(scripts/servers.sh env)"
swift build -c release --product dataflow
bin=.build/release/dataflow
runs=${RUNS:-5}
work=$(mktemp -d)
topic="bench-rescale-$$"
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rest=$(port); prom=$(port)
cleanup() { kill "${cluster:-0}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

$bin run chat-publish --local --quiet -p 1 -D input=../shared/golden/chat-d1.jsonl.zst -D "topic=kafka://$KAFKA_BOOTSTRAP_SERVERS/$topic" >/dev/null
$bin cluster -D rest.port=$rest -D metrics.reporter.prom.port=$prom -D "state.savepoints.dir=$work/savepoints" \
    -D taskmanager.numberOfTaskSlots=4 >"$work/cluster.log" 2>&1 &
cluster=$!
until curl -sf "http://127.0.0.1:$rest/overview" >/dev/null; do sleep 0.1; done
job=$($bin run clip-detector-replay -m 127.0.0.1:$rest -p 2 -d -D "input=kafka://$KAFKA_BOOTSTRAP_SERVERS/$topic" \
      -D "output=$work/out" -D follow=true | awk '/JobID/ {print $NF}')
echo "job $job; waiting until all 775,436 messages are read"
read_all() {
    curl -sf "http://127.0.0.1:$rest/jobs/$job/vertices/$(curl -sf "http://127.0.0.1:$rest/jobs/$job" | python3 -c 'import json,sys; print(json.load(sys.stdin)["vertices"][0]["id"])')/subtasks/metrics?get=Source__chat-source.numRecordsOut&agg=sum" \
        | python3 -c 'import json,sys; r=json.load(sys.stdin); print(int(r[0]["sum"]) if r else 0)'
}
until [ "$(read_all)" = 775436 ]; do sleep 1; done
hyperfine --runs "$runs" --export-json "$work/rescale.json" \
    -n "modify -p 2 (full state)" "$bin modify -m 127.0.0.1:$rest -p 2 $job" \
    -n "savepoint (job keeps running)" "$bin savepoint -m 127.0.0.1:$rest $job"
python3 - "$work/rescale.json" <<'PY'
import json, sys
for x in json.load(open(sys.argv[1]))["results"]:
    print(f'{x["command"]:<32} median {x["median"] * 1000:.0f} ms  (min {x["min"] * 1000:.0f}, max {x["max"] * 1000:.0f}, {len(x["times"])} runs)')
PY
last=$(ls -td "$work"/savepoints/*/ | head -1)
echo "savepoint: $(stat -c %s "$last/_metadata") bytes compressed, $(zstd -dc "$last/_metadata" | wc -c) bytes of JSON"
