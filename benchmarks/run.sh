#!/usr/bin/env bash
# Measures Portside's release build on SQLite with wrk: 15 s at 64 connections against /api/v1/health/live,
# /api/v1/examples?limit=10 (1000 examples seeded) and /api/v1/users/me with a bearer token; then login throughput
# against the raw Argon2id hash rate of this machine, and /health/live latency while a login flood runs.
#
#   benchmarks/run.sh                 # build, start, seed, measure, stop
#   DATABASE=postgres benchmarks/run.sh   # the same routes on a throwaway PostgreSQL on this machine
#   DATABASE=postgres POSTGRES_VIA=socket benchmarks/run.sh   # ... reached through its Unix socket instead of TCP
#   DURATION=30s CONNECTIONS=128 benchmarks/run.sh
#   ROUTES_ONLY=true benchmarks/run.sh    # the three routes only, without the login rounds
#   BINARY=/path/to/portside benchmarks/run.sh   # measure that build instead of building this tree
#   PROFILE=/tmp/profiles benchmarks/run.sh  # also record each route with perf (99 Hz, call graphs) into that folder
#                                            # and print the symbols where the server spends most of its time
#
# Request logging is switched off (LOG_LEVEL=warning) and the rate limit raised, so the numbers measure the
# service rather than the terminal or the limiter. Load goes to 127.0.0.1 only.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$PORTSIDE_ROOT"

DURATION="${DURATION:-15s}"
DATABASE="${DATABASE:-sqlite}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"

require_swift
apt_install_missing "${RUNTIME_PACKAGES[@]}" wrk python3
[ -n "${PROFILE:-}" ] && apt_install_missing linux-perf

if [ -n "${BINARY:-}" ]; then
    binary="$BINARY"
else
    say "building the release binary"
    swift build -c release --product portside
    binary="$PORTSIDE_ROOT/.build/release/portside"
fi

workdir="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    [ "$DATABASE" = postgres ] && stop_postgres
    rm -rf "$workdir"
}
trap cleanup EXIT

case "$DATABASE" in
    sqlite) database_url="sqlite:$workdir/bench.sqlite" ;;
    postgres)
        # The same throwaway cluster the tests use (scripts/services/postgres.sh), on this machine: it shares the
        # two cores with the server and wrk, as the targets assume.
        source "$PORTSIDE_ROOT/scripts/services/postgres.sh"
        start_postgres
        database_url="$PORTSIDE_TEST_POSTGRES_URL"
        if [ "${POSTGRES_VIA:-tcp}" = socket ]; then
            postgres_port="$(sed -E 's|.*@[^:/]+:([0-9]+)/.*|\1|' <<<"$PORTSIDE_TEST_POSTGRES_URL")"
            database_url="postgres://portside@:$postgres_port/portside_test?host=$PORTSIDE_TEST_POSTGRES_SOCKET_DIR"
        fi
        ;;
    *) die "DATABASE must be sqlite or postgres" ;;
esac

say "starting portside on 127.0.0.1:$port ($DATABASE${POSTGRES_VIA:+ via $POSTGRES_VIA})"
APP_ENV=development PORT="$port" HOST=127.0.0.1 DATABASE_URL="$database_url" \
    MIGRATIONS_DIR="$PORTSIDE_ROOT/migrations" LOG_LEVEL=warning RATE_LIMIT_MAX=1000000000 AUTH_RATE_LIMIT_MAX=1000000000 \
    MAIL_URL=memory: REQUIRE_EMAIL_VERIFICATION=false JWT_SECRET="benchmark-secret-benchmark-secret-0123456789" \
    "$binary" serve > "$workdir/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
    python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/api/v1/health/live')" 2>/dev/null && break
    sleep 0.2
done

say "registering bench@example.com and sixteen login accounts, seeding 1000 examples"
token="$(python3 "$PORTSIDE_ROOT/benchmarks/seed.py" "$port" 16)"

# CPU seconds the server has used so far (user + system), from /proc.
server_cpu() {
    awk -v ticks="$(getconf CLK_TCK)" '{ print ($14 + $15) / ticks }' "/proc/$server_pid/stat"
}

# CPU seconds the PostgreSQL server processes have used so far (0 on SQLite): the database shares the cores.
database_cpu() {
    local pids
    pids="$( [ "$DATABASE" = postgres ] && pgrep -d ' ' -f "^postgres: |/bin/postgres -D $POSTGRES_DIR" || true)"
    # shellcheck disable=SC2086
    [ -n "$pids" ] && (cd /proc && awk -v ticks="$(getconf CLK_TCK)" '{ sum += $14 + $15 } END { print sum / ticks }' $(printf '%s/stat ' $pids) 2>/dev/null) || echo 0
}

# measure NAME PATH [wrk options...]: one wrk run, summarised on one line.
measure() {
    local name="$1" path="$2" output before after database_before database_after started finished
    shift 2
    before="$(server_cpu)"
    database_before="$(database_cpu)"
    local profile="" perf_pid=""
    if [ -n "${PROFILE:-}" ]; then
        mkdir -p "$PROFILE"
        profile="$PROFILE/$(tr -c 'A-Za-z0-9' '_' <<<"$DATABASE $name" | sed -E 's/_+/_/g; s/_$//').perf.data"
        perf record -q -F 99 -g -p "$server_pid" -o "$profile" 2>/dev/null &
        perf_pid=$!
    fi
    started="$(date +%s.%N)"
    output="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "http://127.0.0.1:$port$path")"
    finished="$(date +%s.%N)"
    if [ -n "$perf_pid" ]; then
        kill -INT "$perf_pid" && wait "$perf_pid" || true
    fi
    after="$(server_cpu)"
    database_after="$(database_cpu)"
    local rps p50 p99 errors cores
    rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$output")"
    p50="$(awk '$1 == "50%" {print $2}' <<<"$output")"
    p99="$(awk '$1 == "99%" {print $2}' <<<"$output")"
    errors="$(grep -E 'Non-2xx|Socket errors' <<<"$output" || true)"
    # How many of the machine's cores the server itself kept busy (wrk runs on the same machine).
    cores="$(awk -v a="$before" -v b="$after" -v s="$started" -v f="$finished" 'BEGIN { printf "%.2f", (b - a) / (f - s) }')"
    local database_cores=""
    if [ "$DATABASE" = postgres ]; then
        database_cores="$(awk -v a="$database_before" -v b="$database_after" -v s="$started" -v f="$finished" \
            'BEGIN { printf "   postgresql %.2f cores", (b - a) / (f - s) }')"
    fi
    printf '%-32s %12s req/s   p50 %8s   p99 %8s   server %s cores%s   %s\n' "$name" "$rps" "$p50" "$p99" "$cores" "$database_cores" \
        "${errors:-no errors}"
    LAST_RPS="$rps"
    if [ -n "$profile" ]; then
        echo "  where the server's time went ($profile, self time, top 15):"
        perf report -i "$profile" --no-children --sort dso,symbol --stdio 2>/dev/null \
            | grep -E '^ +[0-9]' | head -n 15 | cut -c1-150 | sed 's/^/  /' || true
    fi
}

say "measuring: $THREADS wrk threads, $CONNECTIONS connections, $DURATION each ($(nproc) cores, $(date -u +%Y-%m-%d))"
measure "GET /api/v1/health/live" "/api/v1/health/live"
measure "GET /api/v1/examples?limit=10" "/api/v1/examples?limit=10"
measure "GET /api/v1/users/me (bearer)" "/api/v1/users/me" -H "Authorization: Bearer $token"

# Logins measure Argon2id, which does not depend on the database: measured once, on SQLite.
[ "$DATABASE" = sqlite ] || exit 0
[ "${ROUTES_ONLY:-false}" = true ] && exit 0

# The raw Argon2id hash rate of this machine with the same parameters and threads: the ceiling for logins. It is
# measured right before and right after the login run, since a shared machine drifts.
hash_rate() {
    local line
    line="$(DATABASE_URL=memory: "$binary" hash-benchmark --seconds 10)"
    echo "$line" >&2
    sed -E 's/.*= ([0-9.]+) hashes\/s.*/\1/' <<<"$line"
}
say "login throughput against the raw Argon2id hash rate, alternating three times"
raw_rates=()
login_rates=()
for round in 1 2 3; do
    raw_rates+=("$(hash_rate)")
    DURATION=10s CONNECTIONS=16 measure "POST /api/v1/auth/login (round $round)" "/api/v1/auth/login" -s "$PORTSIDE_ROOT/benchmarks/login.lua"
    login_rates+=("$LAST_RPS")
done
raw_rates+=("$(hash_rate)")
# Medians, so one noisy interval on a shared machine does not decide the comparison.
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
awk -v l="$(median "${login_rates[@]}")" -v r="$(median "${raw_rates[@]}")" \
    'BEGIN { printf "median logins/s %.1f = %.0f%% of the median raw hash rate %.1f hashes/s\n", l, 100 * l / r, r }'

say "/health/live latency at 4 connections, alone and while 32 connections flood the login"
THREADS=1 CONNECTIONS=4 measure "GET /health/live (quiet)" "/api/v1/health/live"
wrk -t1 -c32 -d"$(( ${DURATION%s} + 5 ))s" -s "$PORTSIDE_ROOT/benchmarks/login.lua" "http://127.0.0.1:$port/api/v1/auth/login" > "$workdir/flood.txt" &
flood_pid=$!
sleep 2
THREADS=1 CONNECTIONS=4 measure "GET /health/live (login flood)" "/api/v1/health/live"
wait "$flood_pid"
awk '/^Requests\/sec:/ { print "login flood: " $2 " logins/s" } /Non-2xx/ { print "login flood: " $0 }' "$workdir/flood.txt"
