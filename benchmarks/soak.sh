#!/usr/bin/env bash
# A soak run of Portside as it is deployed: two `portside serve` instances and one `portside worker` on one
# throwaway PostgreSQL and one Redis (scripts/services/), with DURATION of mixed traffic spread over both instances
# by benchmarks/soak.py (reads, writes, logins and refreshes), a line every 10 s (requests per second of each kind,
# p99 of the interval, errors, the resident memory of every process), and midway a SIGTERM to instance a while it
# has requests in hand: the driver leaves it once its readiness turns 503 (as a load balancer would) and checks
# that every request it accepted got a complete answer. Instance a is then started again and rejoins.
#
#   BINARY=.build/release/portside benchmarks/soak.sh
#   DURATION=60s BINARY=... benchmarks/soak.sh          # a short run
#   THREADS=8 LOGIN_RATE=1 RESTART=false benchmarks/soak.sh
#
# Fails (exit 1) on any error (an answer that is not 2xx, a reset, a timeout), on a request instance a accepted
# and did not answer in full, and when a process does not exit 0 on SIGTERM. Load goes to 127.0.0.1 only; request
# logging is off (LOG_LEVEL=warning) and the rate limits raised, so the limiter does not answer the driver's 429s.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$PORTSIDE_ROOT"

DURATION="${DURATION:-10m}"
THREADS="${THREADS:-16}"
LOGIN_RATE="${LOGIN_RATE:-2}"
INTERVAL="${INTERVAL:-10}"
RESTART="${RESTART:-true}"
# SIGNAL=KILL instead of TERM checks the check itself: instance a then loses the requests in hand, and the run fails.
SIGNAL="${SIGNAL:-TERM}"
# How long readiness answers 503 before the listener closes (the production default; 0s outside production).
DRAIN_DELAY="${DRAIN_DELAY:-5s}"
# Seconds: "90", "90s", "10m".
case "$DURATION" in
    *m) seconds=$(( ${DURATION%m} * 60 )) ;;
    *s) seconds="${DURATION%s}" ;;
    *) seconds="$DURATION" ;;
esac

apt_install_missing "${RUNTIME_PACKAGES[@]}" python3 curl procps postgresql-client

if [ -n "${BINARY:-}" ]; then
    binary="$BINARY"
else
    require_swift
    say "building the release binary"
    swift build -c release --product portside
    binary="$PORTSIDE_ROOT/.build/release/portside"
fi
[ -x "$binary" ] || die "no binary at $binary"

workdir="$(mktemp -d)"
declare -A pids=()
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

cleanup() {
    for name in "${!pids[@]}"; do
        kill -TERM "${pids[$name]}" 2>/dev/null && wait "${pids[$name]}" 2>/dev/null
    done
    stop_postgres
    stop_redis
    if [ "${KEEP_LOGS:-false}" = true ]; then say "logs kept in $workdir"; else rm -rf "$workdir"; fi
}
source "$PORTSIDE_ROOT/scripts/services/postgres.sh"
source "$PORTSIDE_ROOT/scripts/services/redis.sh"
trap cleanup EXIT

# The machine as the run found it: other work on the same cores changes every number.
say "machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2 " GiB memory, " $7 " GiB available"}'), load$(uptime | sed -E 's/.*load average://'), $(date -u '+%Y-%m-%d %H:%M UTC')"
others="$(pgrep -c -f 'swift-frontend|swift-build' || true)"
[ "${others:-0}" -gt 0 ] && warn "$others compiler processes (swift-build, swift-frontend) are running on this machine"

start_postgres
start_redis

# One configuration for every process: the same database, Redis and JWT secret, jobs left to the worker,
# readiness 503 for 5 s before an instance stops accepting (SHUTDOWN_DRAIN_DELAY, 0s outside production).
common=(
    APP_ENV=development HOST=127.0.0.1
    DATABASE_URL="$PORTSIDE_TEST_POSTGRES_URL" REDIS_URL="$PORTSIDE_TEST_REDIS_URL"
    JWT_SECRET="soak-secret-soak-secret-soak-secret-0123456789"
    MIGRATIONS_DIR="$PORTSIDE_ROOT/migrations" LOG_LEVEL=warning
    RATE_LIMIT_MAX=1000000000 AUTH_RATE_LIMIT_MAX=1000000000
    MAIL_URL=memory: REQUIRE_EMAIL_VERIFICATION=false WORKER_MODE=off
    SHUTDOWN_DRAIN_DELAY="$DRAIN_DELAY" SHUTDOWN_TIMEOUT=30s
)

# Migrations once, as a deployment runs them, before any instance starts (serve would also apply them outside
# production, but two instances and a worker starting together should find the schema in place).
say "migrating"
env "${common[@]}" "$binary" migrate > "$workdir/migrate.log" 2>&1 || { cat "$workdir/migrate.log"; die "migrate failed"; }

declare -A ports=([a]="$(free_port)" [b]="$(free_port)")
worker_metrics_port="$(free_port)"

# start_serve NAME: `portside serve` on that instance's port; its pid in $workdir/NAME.pid (read by the driver).
start_serve() {
    local name="$1"
    env "${common[@]}" PORT="${ports[$name]}" "$binary" serve >> "$workdir/serve-$name.log" 2>&1 &
    pids[$name]=$!
    echo "${pids[$name]}" > "$workdir/$name.pid"
    wait_for "http://127.0.0.1:${ports[$name]}/api/v1/health/ready" "serve $name" "$workdir/serve-$name.log"
}

# wait_for URL NAME LOG: until URL answers 200, for up to 30 s.
wait_for() {
    for _ in $(seq 1 150); do
        curl -sf -o /dev/null "$1" && return 0
        sleep 0.2
    done
    cat "$3"
    die "$2 did not become ready"
}

say "starting serve a on :${ports[a]}, serve b on :${ports[b]}, worker (metrics on :$worker_metrics_port)"
start_serve a
start_serve b
env "${common[@]}" WORKER_METRICS_PORT="$worker_metrics_port" "$binary" worker > "$workdir/worker.log" 2>&1 &
pids[worker]=$!
echo "${pids[worker]}" > "$workdir/worker.pid"
wait_for "http://127.0.0.1:$worker_metrics_port/health/live" worker "$workdir/worker.log"

say "registering bench@example.com and $THREADS accounts, seeding 1000 examples (through serve b)"
python3 "$PORTSIDE_ROOT/benchmarks/seed.py" "${ports[b]}" "$THREADS" > /dev/null

psql_count() { psql "$PORTSIDE_TEST_POSTGRES_URL" -Atc "$1"; }
# Redis: every key, the event stream (trimmed to about EVENTS_RETENTION entries) and the events' deduplication keys
# (one per published event, for 24 hours).
redis_info() {
    printf 'keys %s, events stream %s entries, %s event deduplication keys, used_memory %s' \
        "$(redis-cli -p "$REDIS_PORT" dbsize)" "$(redis-cli -p "$REDIS_PORT" xlen portside:events)" \
        "$(redis-cli -p "$REDIS_PORT" --scan --pattern 'portside:events:published:*' | wc -l)" \
        "$(redis-cli -p "$REDIS_PORT" info memory | awk -F: '/^used_memory_human:/ { sub(/\r/, "", $2); print $2 }')"
}
database_state() {
    psql_count "SELECT 'examples ' || (SELECT count(*) FROM examples) || ', sessions ' || (SELECT count(*) FROM sessions)
        || ', retired refresh tokens ' || (SELECT count(*) FROM session_retired_tokens)
        || ', audit events ' || (SELECT count(*) FROM audit_events) || ', outbox ' || (SELECT count(*) FROM outbox)"
}
say "before: database $(database_state); redis $(redis_info)"

say "driving $DURATION of traffic: $THREADS client threads, $LOGIN_RATE logins/s; SIG$SIGNAL to serve a at half time"
python3 "$PORTSIDE_ROOT/benchmarks/soak.py" \
    --instance "a=${ports[a]}:$workdir/a.pid" --instance "b=${ports[b]}:$workdir/b.pid" \
    --process "worker:$workdir/worker.pid" --redis-port "$REDIS_PORT" --database-url "$PORTSIDE_TEST_POSTGRES_URL" \
    --duration "$seconds" --threads "$THREADS" --login-rate "$LOGIN_RATE" --interval "$INTERVAL" \
    --sigterm a --signal "$SIGNAL" --out "$workdir/summary.json" &
driver_pid=$!

# Serve a exits after the driver's SIGTERM: its exit status must be 0 (a graceful shutdown within SHUTDOWN_TIMEOUT).
failures=()
while kill -0 "$driver_pid" 2>/dev/null && kill -0 "${pids[a]}" 2>/dev/null; do sleep 0.2; done
if ! kill -0 "${pids[a]}" 2>/dev/null; then
    status=0
    wait "${pids[a]}" || status=$?
    say "serve a (pid ${pids[a]}) exited with status $status at $(date -u +%H:%M:%S)"
    [ "$status" -eq 0 ] || failures+=("serve a exited with status $status on SIG$SIGNAL")
    unset 'pids[a]'
    if [ "$RESTART" = true ] && kill -0 "$driver_pid" 2>/dev/null; then
        sleep 5
        say "starting serve a again on :${ports[a]}"
        start_serve a
    fi
fi
driver_status=0
wait "$driver_pid" || driver_status=$?
[ "$driver_status" -eq 0 ] || failures+=("the driver reported errors or a lost request (status $driver_status)")

say "after: database $(database_state); redis $(redis_info)"

# CPU each process used over its life (user + system), to see where the cores went.
for name in "${!pids[@]}"; do
    printf '%s used %s s of CPU\n' "$name" "$(awk -v t="$(getconf CLK_TCK)" '{ printf "%.0f", ($14 + $15) / t }' "/proc/${pids[$name]}/stat")"
done

# Every remaining process must stop cleanly on SIGTERM, after ten minutes of traffic as after none.
for name in "${!pids[@]}"; do
    started="$(date +%s.%N)"
    kill -TERM "${pids[$name]}"
    status=0
    wait "${pids[$name]}" || status=$?
    printf '%s stopped on SIGTERM with status %s in %.1f s\n' "$name" "$status" \
        "$(awk -v s="$started" -v f="$(date +%s.%N)" 'BEGIN { print f - s }')"
    [ "$status" -eq 0 ] || failures+=("$name exited with status $status on SIGTERM")
    unset "pids[$name]"
done

# Warnings and errors the processes logged (LOG_LEVEL=warning): none are expected.
for log in "$workdir"/serve-*.log "$workdir/worker.log"; do
    lines="$(grep -c . "$log" || true)"
    [ "$lines" -gt 0 ] || continue
    warn "$(basename "$log"): $lines log lines at warning or above; the first:"
    head -n 5 "$log" | cut -c1-300 >&2
done

if [ "${#failures[@]}" -gt 0 ]; then
    printf 'FAILED: %s\n' "${failures[@]}" >&2
    exit 1
fi
say "soak passed"
