#!/usr/bin/env bash
# The real Flink CLI against our JobManager (issue 4, "How we will know"):
#   1. a venv with apache-flink==2.3.0 from PyPI (its `flink` script and jars; Java 17 runs it),
#   2. `dataflow cluster` on free ports, with a job that runs until cancelled (the clip detector reading chat from a
#      named pipe that a generator keeps feeding),
#   3. `flink list -m 127.0.0.1:PORT` must list the job RUNNING,
#   4. `flink cancel -m 127.0.0.1:PORT JOBID` must end it CANCELED, seen through our REST API,
#   5. `flink list -a` must list it CANCELED.
# Not part of `swift test` (it downloads Flink); run it by hand or in CI:
#   Tests/ClusterTests/flink-cli-check.sh
# Environment: DATAFLOW (the binary; default: the newest of .build*/debug|release/dataflow, else `swift build`),
# FLINK_VENV (a venv to create or reuse; default $TMPDIR/dataflow-flink-cli-venv).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/flink-cli-check.XXXXXX")"
venv="${FLINK_VENV:-${TMPDIR:-/tmp}/dataflow-flink-cli-venv}"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

# --- the dataflow binary --------------------------------------------------------------------------------------------
dataflow="${DATAFLOW:-}"
if [[ -z "$dataflow" ]]; then
    dataflow="$(ls -t "$root"/.build*/{debug,release}/dataflow 2>/dev/null | head -1 || true)"
fi
if [[ -z "$dataflow" ]]; then
    step "building dataflow"
    (cd "$root" && swift build --product dataflow >/dev/null)
    dataflow="$root/.build/debug/dataflow"
fi
[[ -x "$dataflow" ]] || fail "no dataflow binary at $dataflow"

# --- Flink's CLI from PyPI ------------------------------------------------------------------------------------------
if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c 'import pyflink' 2>/dev/null; then
    step "creating $venv with apache-flink==2.3.0"
    python3 -m venv "$venv"
    # The CLI is Java: the package's scripts and apache-flink-libraries' jars are all it needs, not PyFlink's
    # Python dependencies (Beam, pandas, pyarrow: hundreds of MB).
    "$venv/bin/pip" install --quiet --no-deps apache-flink==2.3.0 apache-flink-libraries==2.3.0
fi
flink_home="$("$venv/bin/python" -c 'import os, pyflink; print(os.path.dirname(pyflink.__file__))')"
flink="$flink_home/bin/flink"
[[ -x "$flink" ]] || fail "no flink script at $flink"
# The CLI's log goes to our scratch directory, not into the venv.
export FLINK_HOME="$flink_home" FLINK_LOG_DIR="$work/flink-log"
mkdir -p "$FLINK_LOG_DIR"
java -version 2>&1 | head -1

# --- a cluster with a job that runs until cancelled -----------------------------------------------------------------
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rest_port="$(free_port)"; prom_port="$(free_port)"
mkfifo "$work/chat.jsonl"
cat > "$work/jobs.yaml" <<EOF
jobs:
  chat-stream:
    job: clip-detector-replay
    parallelism: 2
    parameters:
      input: $work/chat.jsonl
      output: $work/out
EOF
# Chat for as long as someone reads the pipe: 1000 messages of event time every 0.2 s.
python3 - "$work/chat.jsonl" <<'EOF' &
import json, sys, time
ts = 1_700_000_000_000
with open(sys.argv[1], "w") as pipe:
    try:
        while True:
            for i in range(1000):
                ts += 7
                pipe.write(json.dumps({"broadcaster_id": str(100 + i % 5), "broadcaster_login": "c%d" % (i % 5), "user_id": str(i),
                                       "user_login": "u%d" % i, "text": "hello", "ts": ts, "message_id": "m%d" % ts}) + "\n")
            pipe.flush()
            time.sleep(0.2)
    except BrokenPipeError:
        pass
EOF
pids+=($!)

step "starting dataflow cluster (REST on $rest_port, Prometheus on $prom_port)"
started=$(date +%s%N)
"$dataflow" cluster --jobs "$work/jobs.yaml" -D rest.port="$rest_port" -D metrics.reporter.prom.port="$prom_port" \
    > "$work/cluster.out" 2> "$work/cluster.err" &
cluster_pid=$!
pids+=($cluster_pid)
for _ in $(seq 1 500); do
    if curl -sf "http://127.0.0.1:$rest_port/overview" 2>/dev/null | grep -q '"slots-total":4'; then break; fi
    sleep 0.01
done
ready=$(( ($(date +%s%N) - started) / 1000000 ))
curl -sf "http://127.0.0.1:$rest_port/overview" | grep -q '"slots-total":4' || { cat "$work/cluster.err" >&2; fail "the cluster did not come up"; }
echo "cluster start until /overview shows 4 slots: ${ready} ms"

step "dataflow run chat-stream -d"
submitted="$("$dataflow" run chat-stream -m "127.0.0.1:$rest_port" -d)"
echo "$submitted"
job_id="$(echo "$submitted" | awk '/JobID/ {print $NF}')"
[[ "$job_id" =~ ^[0-9a-f]{32}$ ]] || fail "no job id in: $submitted"
grep -o "RUNNING [0-9.]* ms after submission" "$work/cluster.err" || true

step "flink list -m 127.0.0.1:$rest_port"
list="$("$flink" list -m "127.0.0.1:$rest_port" 2>&1)" || { echo "$list"; fail "flink list failed"; }
echo "$list"
echo "$list" | grep -q "$job_id : chat-stream (RUNNING)" || fail "flink list does not show the job RUNNING"

step "flink cancel -m 127.0.0.1:$rest_port $job_id"
cancel="$("$flink" cancel -m "127.0.0.1:$rest_port" "$job_id" 2>&1)" || { echo "$cancel"; fail "flink cancel failed"; }
echo "$cancel"
echo "$cancel" | grep -q "Cancelled job $job_id" || fail "flink cancel did not confirm"
state=""
for _ in $(seq 1 200); do
    state="$(curl -sf "http://127.0.0.1:$rest_port/jobs/$job_id/status" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')"
    [[ "$state" == "CANCELED" ]] && break
    sleep 0.05
done
[[ "$state" == "CANCELED" ]] || fail "the job is $state, not CANCELED"
echo "job $job_id is CANCELED (GET /jobs/$job_id/status)"

step "flink list -a -m 127.0.0.1:$rest_port"
all="$("$flink" list -a -m "127.0.0.1:$rest_port" 2>&1)" || { echo "$all"; fail "flink list -a failed"; }
echo "$all"
echo "$all" | grep -q "$job_id : chat-stream (CANCELED)" || fail "flink list -a does not show the job CANCELED"

kill -TERM "$cluster_pid"
wait "$cluster_pid" || true
echo "PASS: the real Flink 2.3 CLI lists and cancels jobs on the Dataflow JobManager"
