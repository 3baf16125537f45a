#!/usr/bin/env bash
# Log-handler throughput: JSONLogHandler (Sources/Observability) against swift-log's StreamLogHandler, 200k lines with
# three metadata fields to /dev/null, median of 5 runs each. Release build of swift-log, then the handler's files
# compiled with -O beside scripts/bench-logging/main.swift.
#   scripts/bench-logging.sh
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --scratch-path .build-release --target Logging >/dev/null 2>&1 \
    || { echo "release build of swift-log failed: swift build -c release --scratch-path .build-release --target Logging" >&2; exit 1; }
R=.build-release/release
S=Sources/Observability
out=.build-release/bench-logging
swiftc -O -suppress-warnings -module-name ObsBench -I "$R/Modules" scripts/bench-logging/main.swift \
    "$S/JSONLineBuilder.swift" "$S/RFC3339Timestamp.swift" "$S/JSONLogHandler.swift" "$S/LogLineWriter.swift" \
    "$R"/Logging.build/*.o -o "$out"
"$out" 2>/dev/null
