#!/usr/bin/env bash
# The demo of this stage: the clip detector replays a recorded chat stream (Flink's golden input) and writes the
# windows and anomalies it finds. Usage: scripts/demo.sh [-p N] [-D key=value ...]  (defaults from jobs.yaml)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product dataflow
echo "+ .build/release/dataflow run clip-detector-replay --local $*"
.build/release/dataflow run clip-detector-replay --local "$@"
out=$(grep -E '^\s+output:' jobs.yaml | awk '{print $2}')
for a in "$@"; do case "$a" in output=*) out="${a#output=}";; esac; done
echo
echo "results in $out/: windows.csv ($(($(wc -l < "$out/windows.csv") - 1)) windows), anomalies.csv ($(($(wc -l < "$out/anomalies.csv") - 1)) bursts), late-chat.jsonl, dead-letters.jsonl"
echo "first bursts found:"
head -6 "$out/anomalies.csv" | awk -F, '{ printf "  %-15s %-15s %-6s %-20s %s\n", $1, $2, $3, $4, $5 }'
