#!/usr/bin/env bash
# Throughput of the clips API for a 50-clip page: release build, ~1000 seeded clips in a private schema, wrk.
#   scripts/bench-api.sh [DURATION]      (default 10s; needs the servers: eval "$(scripts/servers.sh env)")
#   CACHE_TTL_MS=0 scripts/bench-api.sh  (the same with the page cache off: every request queries PostgreSQL)
# Prints wrk's report; the figure to quote is Requests/sec (median of three runs is printed at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10s}
PGURL=${POSTGRES_URL:-postgresql://postgres@127.0.0.1:55432/highlights}
SCHEMA=api_bench
PORT=${BENCH_PORT:-5099}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

BIN=${BENCH_BIN:-.build-release/release/highlights}
[ -n "${BENCH_BIN:-}" ] || swift build -c release --product highlights --scratch-path .build-release >/dev/null

psql "$PGURL" -qv ON_ERROR_STOP=1 <<SQL
DROP SCHEMA IF EXISTS $SCHEMA CASCADE;
CREATE SCHEMA $SCHEMA;
SET search_path = $SCHEMA;
\i infrastructure/postgres/init.sql
INSERT INTO streamers (broadcaster_id, broadcaster_login, display_name)
SELECT (1000 + n)::text, 'channel_' || n, 'Channel ' || n FROM generate_series(1, 20) n;
INSERT INTO clips (anomaly_id, clip_id, broadcaster_id, broadcaster_login, status, attempts, window_start, window_end,
                   message_count, baseline_mean, baseline_stddev, baseline_samples, chat_counts, title, url, embed_url,
                   thumbnail_url, created_at)
SELECT (1000 + n % 20)::text || ':' || n, 'Clip' || n, (1000 + n % 20)::text, 'channel_' || (n % 20), 'created', 1,
       now() - n * interval '1 minute' - interval '15 s', now() - n * interval '1 minute' - interval '10 s',
       40 + n % 50, 6.5, 1.8, 60, (SELECT array_agg(4 + (i * n) % 7) FROM generate_series(1, 60) i) || (40 + n % 50),
       'Highlight number ' || n, 'https://clips.twitch.tv/Clip' || n, 'https://clips.twitch.tv/embed?clip=Clip' || n,
       'https://clips-media-assets2.twitch.tv/Clip' || n || '-preview-480x272.jpg', now() - n * interval '1 minute'
FROM generate_series(1, 1000) n;
ANALYZE clips;
SQL

POSTGRES_URL="$PGURL?options=-c%20search_path%3D$SCHEMA" HTTP_PORT=$PORT "$BIN" api --host 127.0.0.1 --cache-ttl-ms "${CACHE_TTL_MS:-500}" >/tmp/bench-api.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; psql "$PGURL" -qc "DROP SCHEMA IF EXISTS $SCHEMA CASCADE"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.2; done
URL="http://127.0.0.1:$PORT/v1.0/clip?limit=50&start=2000-01-01T00:00:00Z"
curl -sf "$URL" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("page of", len(d["data"]), "clips,", len(json.dumps(d)), "bytes")'
RATES=()
for run in 1 2 3; do
    OUT=$(wrk -t2 -c32 -d"$DURATION" "$URL")
    echo "$OUT"
    RATES+=("$(echo "$OUT" | awk '/Requests\/sec/ {print $2}')")
done
printf '%s\n' "${RATES[@]}" | sort -n | sed -n 2p | xargs echo "median Requests/sec:"
