#!/usr/bin/env bash
# libFuzzer runs of the parsers (Sources/FuzzTargets, one target per place where outside bytes become values).
#   scripts/fuzz.sh TARGET [libFuzzer flags]   fuzz one target, e.g. scripts/fuzz.sh irc-line -max_total_time=600
#   scripts/fuzz.sh all [libFuzzer flags]      each target in turn (give -runs=N or -max_total_time=S)
#   scripts/fuzz.sh --smoke                    a short run of every target (scripts/test.sh calls this)
#   scripts/fuzz.sh --minimize TARGET          merge what runs found into Fuzz/Corpus/TARGET, minimized
#   scripts/fuzz.sh --seed                     rewrite the generated seeds into .build-fuzz/seeds (then --minimize)
#   scripts/fuzz.sh --list                     the target names
# Builds Fuzz/ (a package depending on this one by path) with -sanitize=fuzzer,address into .build-fuzz, so the
# main build is untouched. Runs are niced; new inputs go to .build-fuzz/corpus/TARGET, crashes to
# .build-fuzz/artifacts/TARGET/ — a crasher, once fixed, is committed under Fuzz/Regressions/TARGET/ and is then
# replayed by every `swift test` (Tests/FuzzRegressionTests).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SCRATCH=$ROOT/.build-fuzz
TARGETS=(chat-json kafka-payload irc-line irc-stream data-frame rpc-message savepoint scenario-yaml config-yaml rest-request clips-query)

# Debug by default: Swift's checks (overflow, bounds, unwraps) are all on, and the cold sanitizer build of every
# dependency takes ~10 min on two cores instead of 25–40 in release. FUZZ_CONFIG=release for faster long runs.
CONFIG=${FUZZ_CONFIG:-debug}
compile() {
    swift build --package-path Fuzz --scratch-path "$SCRATCH" -c "$CONFIG" --sanitize fuzzer --sanitize address \
        --product FuzzMain >&2
    BIN=$SCRATCH/$CONFIG/FuzzMain
}
# A binary whose coverage counters reach the parsers reports "cov:" once it has read a corpus. Seen here: an
# incremental sanitizer rebuild (after editing a module of the main package) linked a FuzzMain whose counters missed
# our modules — it ran millions of blind executions and found nothing. Such a binary is rebuilt cold.
instrumented() {
    local out   # read whole, not piped into grep -q: under pipefail its early exit would fail the pipeline
    out=$(FUZZ_TARGET=chat-json SWIFT_BACKTRACE=enable=no "$BIN" -runs=0 Fuzz/Corpus/chat-json 2>&1 || true)
    [[ $out == *"INITED cov:"* ]]
}
build() {
    compile
    if ! instrumented; then
        echo "fuzz: $BIN reports no coverage (an incremental sanitizer build lost it); building it cold" >&2
        rm -rf "$SCRATCH/$CONFIG" "$SCRATCH/$(uname -m)-unknown-linux-gnu/$CONFIG"
        compile
        instrumented || { echo "fuzz: $BIN still reports no coverage after a cold build" >&2; exit 1; }
    fi
}

known() { local t; for t in "${TARGETS[@]}"; do [ "$t" = "$1" ] && return 0; done; return 1; }

run() {
    local target=$1; shift
    known "$target" || { echo "fuzz: unknown target '$target' (scripts/fuzz.sh --list)" >&2; exit 2; }
    mkdir -p "$SCRATCH/corpus/$target" "$SCRATCH/artifacts/$target"
    local dirs=("$SCRATCH/corpus/$target" "Fuzz/Corpus/$target")
    [ -d "Fuzz/Regressions/$target" ] && dirs+=("Fuzz/Regressions/$target")
    local dict=()
    [ -f "Fuzz/Dictionaries/$target.dict" ] && dict=("-dict=Fuzz/Dictionaries/$target.dict")
    # -timeout: an input that takes 10 s is a hang; -rss_limit_mb: one that needs 2 GiB is a finding too.
    # SWIFT_BACKTRACE off: after a Swift trap, the runtime's backtracer reads freed memory and ASan reports that
    # instead of the trap; libFuzzer still saves the input and the trap's message stays the first thing printed.
    FUZZ_TARGET=$target SWIFT_BACKTRACE=enable=no nice -n 19 "$BIN" -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$SCRATCH/artifacts/$target/" "${dict[@]}" "$@" "${dirs[@]}"
}

case "${1:-}" in
    --list) printf '%s\n' "${TARGETS[@]}" ;;
    --seed)
        build
        rm -rf "$SCRATCH/seeds" && FUZZ_WRITE_SEEDS=$SCRATCH/seeds "$BIN"
        echo "seeds in $SCRATCH/seeds" ;;
    --minimize)
        target=${2:?usage: scripts/fuzz.sh --minimize TARGET}
        known "$target" || { echo "fuzz: unknown target '$target'" >&2; exit 2; }
        build
        new=$SCRATCH/minimized/$target
        rm -rf "$new" && mkdir -p "$new"
        extra=()
        [ -d "$SCRATCH/seeds/$target" ] && extra+=("$SCRATCH/seeds/$target")
        FUZZ_TARGET=$target nice -n 19 "$BIN" -merge=1 -timeout=10 "$new" "Fuzz/Corpus/$target" "$SCRATCH/corpus/$target" "${extra[@]}"
        rm -rf "Fuzz/Corpus/$target" && mv "$new" "Fuzz/Corpus/$target"
        echo "Fuzz/Corpus/$target: $(ls "Fuzz/Corpus/$target" | wc -l) inputs" ;;
    --smoke)
        # CI: a few thousand executions per target; any crash fails the test run. A hang still fails it, but at
        # 60 s: a debug+ASan input that takes 1 s alone took 12 s on a machine loaded by a second test run.
        export FUZZ_TIMEOUT=${FUZZ_TIMEOUT:-60}
        build
        for target in "${TARGETS[@]}"; do
            log=$SCRATCH/smoke-$target.log
            if run "$target" -runs="${FUZZ_SMOKE_RUNS:-3000}" >"$log" 2>&1; then
                echo "fuzz smoke $target: $(grep -o 'number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$') runs, no finding"
            else
                cat "$log" >&2; echo "fuzz smoke $target: FAILED (input in $SCRATCH/artifacts/$target/)" >&2; exit 1
            fi
        done ;;
    all)
        shift; build
        for target in "${TARGETS[@]}"; do run "$target" "$@"; done ;;
    ''|-h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' ;;
    *)
        target=$1; shift; build; run "$target" "$@" ;;
esac
