#!/bin/bash
# Usage: cnet-bench.sh BINARY — startup (jobmanager + 1 taskmanager until /overview shows the slots) and replay wall times.
B=$1; T=$(mktemp -d); cd "$(dirname "$0")/.."
ms() { date +%s%3N; }
echo "== startup"
for i in 1 2 3; do
  t0=$(ms)
  $B jobmanager -D jobmanager.rpc.port=0 -D rest.port=0 -D metrics.reporter.prom.port=0 > $T/jm.out 2>/dev/null & JM=$!
  while ! grep -q "REST API" $T/jm.out 2>/dev/null; do sleep 0.005; done
  RPC=$(grep "RPC endpoint" $T/jm.out | sed -E 's/.*:([0-9]+) .*/\1/'); REST=$(grep "REST API" $T/jm.out | sed -E 's/.*:([0-9]+)$/\1/')
  $B taskmanager -D jobmanager.rpc.port=$RPC -D taskmanager.numberOfTaskSlots=4 > /dev/null 2>&1 & TM=$!
  for w in $(seq 1 2000); do curl -s localhost:$REST/overview | grep -q "\"slots-total\":4" && break; sleep 0.005; done
  echo "startup_ms $(( $(ms) - t0 ))"
  kill -TERM $TM $JM; wait $TM $JM 2>/dev/null
done
echo "== replay --local p=4"
for i in 1 2 3; do
  t0=$(ms); $B run clip-detector-replay --local -p 4 -D output=$T/local > /dev/null 2>&1; echo "local_ms $(( $(ms) - t0 ))"
done
echo "== replay on 3 TaskManagers x 2 slots, p=6 (and p=4)"
$B jobmanager -D jobmanager.rpc.port=0 -D rest.port=0 -D metrics.reporter.prom.port=0 > $T/jm.out 2>/dev/null & JM=$!
while ! grep -q "REST API" $T/jm.out 2>/dev/null; do sleep 0.01; done
RPC=$(grep "RPC endpoint" $T/jm.out | sed -E 's/.*:([0-9]+) .*/\1/'); REST=$(grep "REST API" $T/jm.out | sed -E 's/.*:([0-9]+)$/\1/')
TMS=""; for i in 1 2 3; do $B taskmanager -D jobmanager.rpc.port=$RPC -D taskmanager.numberOfTaskSlots=2 > /dev/null 2>&1 & TMS="$TMS $!"; done
while ! curl -s localhost:$REST/overview | grep -q '"slots-total":6'; do sleep 0.01; done
for p in 6 4; do for i in 1 2 3; do
  t0=$(ms); $B run clip-detector-replay -m 127.0.0.1:$REST -p $p -D output=$T/cluster$p > $T/run.out 2>&1; echo "cluster_p${p}_ms $(( $(ms) - t0 )) $(grep -o 'Job Runtime: [0-9]* ms' $T/run.out)"
done; done
kill -TERM $TMS $JM; wait
zstd -dc ../shared/golden/chat-d1.windows.csv.zst | cmp - $T/cluster6/windows.csv && echo "cluster output == golden"
