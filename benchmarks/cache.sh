#!/usr/bin/env bash
# The example cache on PostgreSQL: the release build against a throwaway PostgreSQL (and Redis), 1000 examples seeded,
# measured with wrk three ways, all with REDIS_URL as in production (queue, rate limits and event bus in Redis): no
# cache (EXAMPLES_CACHE_TTL=0s), the in-process cache kept in step by the bus (EXAMPLES_CACHE_STORE=memory, the
# default), and the cache every instance shares in Redis (EXAMPLES_CACHE_STORE=redis). Each way runs GET /api/v1/examples?limit=10 (the first page: items and total), GET
# /api/v1/examples/{id} over the 1000 ids (benchmarks/cache_ids.lua), and the list again while a writer changes an
# example ten times a second (each change invalidates every cached page). Each run reports req/s, p50/p99 and the
# cache's hit rate over that run, read from portside_cache_lookups on /metrics.
#
#   benchmarks/cache.sh
#   DURATION=30s CONNECTIONS=64 benchmarks/cache.sh
#   BINARY=/path/to/portside benchmarks/cache.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$PORTSIDE_ROOT"

DURATION="${DURATION:-15s}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
METRICS_TOKEN="benchmark-metrics-token-0123"

require_swift
apt_install_missing "${RUNTIME_PACKAGES[@]}" wrk python3 curl

if [ -n "${BINARY:-}" ]; then
    binary="$BINARY"
else
    say "building the release binary"
    swift build -c release --product portside
    binary="$PORTSIDE_ROOT/.build/release/portside"
fi

workdir="$(mktemp -d)"
server_pid=""
writer_pid=""
stop_server() {
    [ -n "$writer_pid" ] && kill "$writer_pid" 2>/dev/null && { wait "$writer_pid" 2>/dev/null || true; }
    writer_pid=""
    [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && { wait "$server_pid" 2>/dev/null || true; }
    server_pid=""
}
cleanup() {
    stop_server
    stop_postgres
    stop_redis
    rm -rf "$workdir"
}
source "$PORTSIDE_ROOT/scripts/services/postgres.sh"
source "$PORTSIDE_ROOT/scripts/services/redis.sh"
trap cleanup EXIT
start_postgres
start_redis

psql_admin() { psql "$PORTSIDE_TEST_POSTGRES_URL" -v ON_ERROR_STOP=1 -q "$@"; }

# start_server NAME ENV...: a fresh database, the server with ENV, 1000 examples seeded; sets port and token.
start_server() {
    local name="$1"
    shift
    psql_admin -c "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
    env APP_ENV=development PORT="$port" HOST=127.0.0.1 DATABASE_URL="$PORTSIDE_TEST_POSTGRES_URL" \
        MIGRATIONS_DIR="$PORTSIDE_ROOT/migrations" LOG_LEVEL=warning RATE_LIMIT_MAX=1000000000 AUTH_RATE_LIMIT_MAX=1000000000 \
        MAIL_URL=memory: REQUIRE_EMAIL_VERIFICATION=false JWT_SECRET="benchmark-secret-benchmark-secret-0123456789" \
        METRICS_TOKEN="$METRICS_TOKEN" REDIS_KEY_PREFIX="bench-$name-$RANDOM:" "$@" \
        "$binary" serve > "$workdir/server-$name.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 100); do
        python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/api/v1/health/live')" 2>/dev/null && break
        sleep 0.2
    done
    token="$(python3 "$PORTSIDE_ROOT/benchmarks/seed.py" "$port" 0)"
    python3 - "$port" > "$workdir/ids.lua" <<'PY'
import json, sys, urllib.request
port = sys.argv[1]
ids = []
for page in range(1, 11):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/examples?limit=100&page={page}") as response:
        ids += [item["id"] for item in json.load(response)["data"]]
print("ids = {" + ",".join(f'"{i}"' for i in ids) + "}")
PY
}

# hits and misses so far, as "HITS MISSES" (0 0 without a cache).
lookups() {
    curl -s -H "Authorization: Bearer $METRICS_TOKEN" "http://127.0.0.1:$port/metrics" \
        | awk '/^portside_cache_lookups\{/ { if ($0 ~ /result="hit"/) h = $2; else m = $2 } END { printf "%d %d\n", h, m }'
}

measure() {
    local name="$1" path="$2" output before after
    shift 2
    before="$(lookups)"
    output="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "http://127.0.0.1:$port$path")"
    after="$(lookups)"
    local rps p50 p99 errors rate
    rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$output")"
    p50="$(awk '$1 == "50%" {print $2}' <<<"$output")"
    p99="$(awk '$1 == "99%" {print $2}' <<<"$output")"
    errors="$(grep -E 'Non-2xx|Socket errors' <<<"$output" || true)"
    rate="$(awk -v b="$before" -v a="$after" 'BEGIN { split(b, x, " "); split(a, y, " "); h = y[1] - x[1]; m = y[2] - x[2];
        if (h + m == 0) print "-"; else printf "%.1f%%", 100 * h / (h + m) }')"
    printf '%-44s %10s req/s   p50 %8s   p99 %8s   hit rate %7s   %s\n' "$name" "$rps" "$p50" "$p99" "$rate" "${errors:-no errors}"
}

say "PostgreSQL $(psql_admin -Atc 'SHOW server_version'), $THREADS wrk threads, $CONNECTIONS connections, $DURATION each ($(nproc) cores, $(date -u +%Y-%m-%d))"
for mode in off memory redis; do
    case "$mode" in
        off) start_server off EXAMPLES_CACHE_TTL=0s REDIS_URL="$PORTSIDE_TEST_REDIS_URL" ;;
        memory) start_server memory EXAMPLES_CACHE_TTL=60s EXAMPLES_CACHE_STORE=memory REDIS_URL="$PORTSIDE_TEST_REDIS_URL" ;;
        redis) start_server redis EXAMPLES_CACHE_TTL=60s EXAMPLES_CACHE_STORE=redis REDIS_URL="$PORTSIDE_TEST_REDIS_URL" ;;
    esac
    measure "[$mode] GET /api/v1/examples?limit=10" "/api/v1/examples?limit=10"
    cat "$workdir/ids.lua" "$PORTSIDE_ROOT/benchmarks/cache_ids.lua" > "$workdir/by-id.lua"
    measure "[$mode] GET /api/v1/examples/{id} (1000 ids)" "/" -s "$workdir/by-id.lua"
    # A writer renames one example ten times a second: each change invalidates every cached list page.
    first="$(sed -E 's/ids = \{"([^"]+)".*/\1/' "$workdir/ids.lua")"
    python3 - "$port" "$token" "$first" <<'PY' &
import json, sys, time, urllib.request
port, token, example = sys.argv[1:4]
n = 0
while True:
    n += 1
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/examples/{example}", method="PATCH",
                                     data=json.dumps({"name": f"Renamed {n}"}).encode(),
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    urllib.request.urlopen(request).read()
    time.sleep(0.1)
PY
    writer_pid=$!
    measure "[$mode] GET /api/v1/examples?limit=10, 10 writes/s" "/api/v1/examples?limit=10"
    stop_server
done
