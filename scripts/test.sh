#!/usr/bin/env bash
# The test command: installs what is missing, starts the servers the tests use, builds everything (the dataflow
# binary too: the CLI tests run it), and runs every test. Golden data is read from ../shared/golden beside the clone.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/install-browser.sh          # headless Chromium + selenium for the web-page tests
scripts/install-flink-cli.sh        # the real Flink 2.3 CLI (PyPI apache-flink) + Java 17 for the compatibility test
[ -f ../shared/golden/chat-d1.jsonl.zst ] || { echo "missing ../shared/golden/chat-d1.jsonl.zst (the shared folder beside the clone)" >&2; exit 1; }
# The connector tests talk to real servers on loopback: PostgreSQL, Redis and a Kafka-compatible broker (Tansu).
scripts/servers.sh start
eval "$(scripts/servers.sh env)"     # KAFKA_BOOTSTRAP_SERVERS, POSTGRES_TEST_URL, REDIS_URL, LD_LIBRARY_PATH (librdkafka 2.16)
swift build --build-tests
# Suites that start many processes, drive a browser, or assert latencies, heartbeats and retry budgets run one at a
# time after the rest: run among ~450 parallel tests on two cores they would be starved, not wrong.
SERIAL='DemoTests|EndToEndTests|MonitorFaultTests|MultiProcess|BackpressureTests|FlinkCLITests|DashboardBrowserTests|ClipsPageBrowserTests|AsyncMapOverHTTPTests|AsyncOperatorTests|HelixClientTests|LiveClipDetectorTests|ClipOnceTests|IRCThroughputTests|IRCClientFakeTests|GoldenReplayTests|KafkaReplayTests|RescaleTests|LiveRescaleTests|ComposeRunTests|PipeCancelTests|StalledCallCancelTests|CancellationTimeoutTests|CancelStuckTasksTests|cancelStalledBroker|cancelSilentBootstrap'
swift test --skip-build --skip "$SERIAL"
swift test --skip-build --no-parallel --filter "$SERIAL"
# A short libFuzzer run of every parser (Fuzz/, its own sanitizer build in .build-fuzz; see README "Fuzzing"). The
# cold sanitizer build is long here (every dependency, BoringSSL included, rebuilt with ASan); FUZZ_SMOKE=0 skips it.
[ "${FUZZ_SMOKE:-1}" = 0 ] || scripts/fuzz.sh --smoke
