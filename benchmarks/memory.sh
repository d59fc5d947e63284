#!/usr/bin/env bash
# Measures the memory of one `portside serve` (release build): resident memory once it is ready, idle after a warm-up
# that sends one request of each kind including a login, its peak during a login flood, and idle again after it.
#
#   benchmarks/memory.sh                      # SQLite in a temporary directory
#   DATABASE=postgres benchmarks/memory.sh    # a throwaway PostgreSQL on this machine (scripts/services/postgres.sh)
#   BINARY=/path/to/portside benchmarks/memory.sh
#   SETTLE=30 benchmarks/memory.sh            # seconds of quiet before each idle reading (10 by default)
#
# Each reading prints VmRSS (resident), split into anonymous memory (the heap, stacks) and file-backed pages (the
# binary and the shared libraries as far as they were touched), VmHWM (the peak so far) and the number of threads.
# Variables set in the environment (MALLOC_ARENA_MAX, for one) reach the server as they are.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$PORTSIDE_ROOT"

DATABASE="${DATABASE:-sqlite}"
SETTLE="${SETTLE:-10}"
FLOOD="${FLOOD:-15s}"

require_swift
apt_install_missing "${RUNTIME_PACKAGES[@]}" wrk python3

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
        source "$PORTSIDE_ROOT/scripts/services/postgres.sh"
        start_postgres
        database_url="$PORTSIDE_TEST_POSTGRES_URL"
        ;;
    *) die "DATABASE must be sqlite or postgres" ;;
esac

say "starting portside on 127.0.0.1:$port ($DATABASE)"
APP_ENV=development PORT="$port" HOST=127.0.0.1 DATABASE_URL="$database_url" \
    MIGRATIONS_DIR="$PORTSIDE_ROOT/migrations" LOG_LEVEL=warning RATE_LIMIT_MAX=1000000000 AUTH_RATE_LIMIT_MAX=1000000000 \
    MAIL_URL=memory: REQUIRE_EMAIL_VERIFICATION=false JWT_SECRET="benchmark-secret-benchmark-secret-0123456789" \
    "$binary" serve > "$workdir/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
    python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/api/v1/health/live')" 2>/dev/null && break
    sleep 0.2
done

# reading LABEL: one line of the server's memory, from /proc.
reading() {
    awk -v label="$1" '
        /^VmRSS:/ { rss = $2 } /^RssAnon:/ { anon = $2 } /^RssFile:/ { file = $2 } /^VmHWM:/ { peak = $2 } /^Threads:/ { threads = $2 }
        END { printf "%-28s VmRSS %6.1f MiB   anonymous %6.1f   files %5.1f   VmHWM %6.1f MiB   %s threads\n",
              label, rss / 1024, anon / 1024, file / 1024, peak / 1024, threads }' "/proc/$server_pid/status"
}

say "memory of portside serve on $DATABASE ($(nproc) cores, $(date -u +%Y-%m-%d))"
reading "ready"

# One request of each kind: registrations and a login (Argon2id), the current user, the list, one example.
token="$(python3 "$PORTSIDE_ROOT/benchmarks/seed.py" "$port" 16 20)"
python3 - "$port" "$token" <<'PY'
import json, sys, urllib.request
port, token = sys.argv[1], sys.argv[2]
def call(method, path, payload=None, bearer=None):
    headers = {"Content-Type": "application/json"}
    if bearer: headers["Authorization"] = f"Bearer {bearer}"
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, headers=headers, method=method)
    return json.load(urllib.request.urlopen(request))
login = call("POST", "/api/v1/auth/login", {"email": "bench@example.com", "password": "Passw0rd!"})
access = login["data"]["tokens"]["accessToken"]
call("GET", "/api/v1/users/me", bearer=access)
first = call("GET", "/api/v1/examples?limit=10")["data"][0]
call("GET", f"/api/v1/examples/{first['id']}")
call("GET", "/api/v1/examples?q=seeded")
call("GET", "/api/v1/health")
PY
sleep "$SETTLE"
reading "idle after warm-up"

say "login flood: wrk, 32 connections, $FLOOD, rotating over sixteen accounts"
wrk -t1 -c32 -d"$FLOOD" -s "$PORTSIDE_ROOT/benchmarks/login.lua" "http://127.0.0.1:$port/api/v1/auth/login" \
    | awk '/^Requests\/sec:/ { print "logins/s: " $2 } /Non-2xx|Socket errors/ { print }'
reading "end of the flood"
sleep "$SETTLE"
reading "idle after the flood"
