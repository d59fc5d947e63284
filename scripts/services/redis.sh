# Throwaway Redis for the test suite: redis-server on a free loopback port, nothing written to disk, its directory
# removed on stop. Exports PORTSIDE_TEST_REDIS_URL, and PORTSIDE_TEST_REDIS_PORT for drills that restart it.
#
# Sourced by scripts/test.sh (which provides say, die and apt_install_missing from scripts/lib.sh).

REDIS_DIR=""
REDIS_PORT=""

start_redis() {
    command -v redis-server >/dev/null 2>&1 || apt_install_missing redis-server
    command -v redis-server >/dev/null 2>&1 || die "redis-server was not found after installing redis-server"
    REDIS_DIR="$(mktemp -d /tmp/portside-redis.XXXXXX)"
    REDIS_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
    redis_launch
    export PORTSIDE_TEST_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
    export PORTSIDE_TEST_REDIS_PORT="$REDIS_PORT"
    say "Redis $(redis-server --version | grep -Eo 'v=[0-9.]+' | cut -d= -f2) on 127.0.0.1:$REDIS_PORT"
}

redis_launch() {
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
        --dir "$REDIS_DIR" --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" \
        || die "redis-server did not start"
    for _ in $(seq 1 50); do
        redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    cat "$REDIS_DIR/redis.log"
    die "redis-server did not answer"
}

stop_redis() {
    [ -n "$REDIS_DIR" ] || return 0
    redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    [ -f "$REDIS_DIR/redis.pid" ] && kill "$(cat "$REDIS_DIR/redis.pid")" 2>/dev/null || true
    rm -rf "$REDIS_DIR"
    REDIS_DIR=""
}
