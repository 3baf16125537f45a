#!/usr/bin/env bash
# Benchmark of the clip-detector replay on chat-d1, release build: wall time (hyperfine, median of runs) and peak
# RSS (/usr/bin/time), at p=1 and p=2. With FLINK_LIB and GOLDEN_CLS set (see ../shared/reference/flink-golden/README.md)
# Apache Flink runs the same job on the same file in the same session, as the baseline.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
command -v hyperfine >/dev/null && [ -x /usr/bin/time ] || { apt-get install -y -qq hyperfine time >/dev/null; }
swift build -c release --product dataflow
input=${INPUT:-../shared/golden/chat-d1.jsonl.zst}
runs=${RUNS:-7}
out=$(mktemp -d)
cmds=()
for p in 1 2; do cmds+=("-n" "dataflow p=$p" ".build/release/dataflow run clip-detector-replay --local --quiet -p $p -D input=$input -D output=$out/p$p"); done
if [ -n "${FLINK_LIB:-}" ] && [ -n "${GOLDEN_CLS:-}" ]; then
    zstd -dcf "$input" > "$out/input.jsonl"
    for p in 1 2; do cmds+=("-n" "flink p=$p" "../shared/reference/flink-golden/run_golden.sh $out/input.jsonl $out/flink$p $p"); done
fi
hyperfine --warmup 1 --runs "$runs" --export-json "$out/hyperfine.json" "${cmds[@]}"
python3 - "$out/hyperfine.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
for x in r:
    print(f'{x["command"]:<14} median {x["median"]:.3f} s  (min {x["min"]:.3f}, max {x["max"]:.3f}, {len(x["times"])} runs)')
PY
for p in 1 2; do
    /usr/bin/time -f "dataflow p=$p: peak RSS %M KB" .build/release/dataflow run clip-detector-replay --local --quiet -p $p -D input=$input -D output=$out/rss$p >/dev/null
done
if [ -n "${FLINK_LIB:-}" ] && [ -n "${GOLDEN_CLS:-}" ]; then
    for p in 1 2; do
        /usr/bin/time -o "$out/flink$p.time" -f "flink p=$p: peak RSS %M KB" ../shared/reference/flink-golden/run_golden.sh "$out/input.jsonl" "$out/flinkrss$p" $p >/dev/null 2>&1 || true
        cat "$out/flink$p.time"
    done
fi
