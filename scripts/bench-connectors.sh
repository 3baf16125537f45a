#!/usr/bin/env bash
# Connector benchmarks, release build, against the local servers (scripts/servers.sh):
#   Kafka source records/s at p=1 and p=2 into a discarding sink; the clip-detector replay from Kafka vs from the
#   file; PostgreSQL sink rows/s. Each figure is the median of RUNS runs (hyperfine) on chat-d1 (775,436 messages).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
command -v hyperfine >/dev/null || apt-get install -y -qq hyperfine >/dev/null
scripts/servers.sh start
eval "$(scripts/servers.sh env)"
swift build -c release --product dataflow
bin=.build/release/dataflow
runs=${RUNS:-5}
topic=bench-chat-$$
out=$(mktemp -d)
"$TANSU_BIN" topic create "$topic" --partitions 1 --broker "tcp://$KAFKA_BOOTSTRAP_SERVERS" >/dev/null
echo "== publish chat-d1 into $topic (1 partition, in order)"
$bin run chat-publish --local --quiet -D topic="kafka://$KAFKA_BOOTSTRAP_SERVERS/$topic"
src="kafka://$KAFKA_BOOTSTRAP_SERVERS/$topic"
hyperfine --warmup 1 --runs "$runs" --export-json "$out/kafka.json" \
    -n "kafka source p=1" "$bin run kafka-read-bench --local --quiet -p 1 -D input=$src" \
    -n "kafka source p=2" "$bin run kafka-read-bench --local --quiet -p 2 -D input=$src" \
    -n "replay from kafka p=2" "$bin run clip-detector-replay --local --quiet -p 2 -D input=$src -D output=$out/k" \
    -n "replay from file p=2" "$bin run clip-detector-replay --local --quiet -p 2 -D output=$out/f"
hyperfine --runs "$runs" --export-json "$out/pg.json" \
    -n "postgres sink 1M rows p=2" "$bin run postgres-sink-bench --local --quiet -p 2 -D rows=1000000"
python3 - "$out/kafka.json" "$out/pg.json" <<'PY'
import json, sys
rows = {"kafka source p=1": 775436, "kafka source p=2": 775436, "replay from kafka p=2": 775436,
        "replay from file p=2": 775436, "postgres sink 1M rows p=2": 1000000}
for f in sys.argv[1:]:
    for x in json.load(open(f))["results"]:
        n = rows.get(x["command"], 0)
        print(f'{x["command"]:<28} median {x["median"]:.3f} s  {n / x["median"]:>12,.0f} records/s  ({len(x["times"])} runs)')
PY
