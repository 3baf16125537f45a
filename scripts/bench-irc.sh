#!/usr/bin/env bash
# Chat messages per second one IRCChatClient receives from the fake's IRC server (channel at rate 100000), release build.
# Runs the throughput test three times and prints the median. Usage: scripts/bench-irc.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# @testable imports in the test targets need -enable-testing in a release build.
swift build -c release -Xswiftc -enable-testing --scratch-path .build-release --build-tests >/dev/null
rates=()
for run in 1 2 3; do
    line=$(swift test -c release -Xswiftc -enable-testing --scratch-path .build-release --skip-build --filter IRCThroughputTests 2>&1 | grep -o 'messages_per_second=[0-9]*' | head -1)
    rates+=("${line#messages_per_second=}")
    echo "run $run: ${rates[-1]} msg/s"
done
printf '%s\n' "${rates[@]}" | sort -n | sed -n 2p | xargs -I{} echo "median: {} msg/s"
