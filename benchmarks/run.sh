#!/usr/bin/env bash
# Measures Portside's release build on SQLite with wrk: 15 s at 64 connections against /api/v1/health/live and
# /api/v1/examples?limit=10 (1000 examples seeded). Prints requests/s and p50/p99 latency for each.
#
#   benchmarks/run.sh                 # build, start, seed, measure, stop
#   DURATION=30s CONNECTIONS=128 benchmarks/run.sh
#
# Request logging is switched off (LOG_LEVEL=warning) and the rate limit raised, so the numbers measure the
# service rather than the terminal or the limiter. Load goes to 127.0.0.1 only.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$PORTSIDE_ROOT"

DURATION="${DURATION:-15s}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"

require_swift
apt_install_missing "${RUNTIME_PACKAGES[@]}" wrk python3

say "building the release binary"
swift build -c release --product portside
binary="$PORTSIDE_ROOT/.build/release/portside"

workdir="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$workdir"
}
trap cleanup EXIT

say "starting portside on 127.0.0.1:$port (SQLite in $workdir)"
APP_ENV=development PORT="$port" HOST=127.0.0.1 DATABASE_URL="sqlite:$workdir/bench.sqlite" \
    MIGRATIONS_DIR="$PORTSIDE_ROOT/migrations" LOG_LEVEL=warning RATE_LIMIT_MAX=1000000000 \
    "$binary" serve > "$workdir/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
    python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/api/v1/health/live')" 2>/dev/null && break
    sleep 0.2
done

say "seeding 1000 examples"
python3 - "$port" <<'PY'
import json, sys, urllib.request
port = sys.argv[1]
for i in range(1000):
    body = json.dumps({"name": f"Example {i}", "description": f"Seeded example number {i} for the benchmark"}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/examples", data=body,
                                     headers={"Content-Type": "application/json"}, method="POST")
    urllib.request.urlopen(request).read()
PY

# CPU seconds the server has used so far (user + system), from /proc.
server_cpu() {
    awk -v ticks="$(getconf CLK_TCK)" '{ print ($14 + $15) / ticks }' "/proc/$server_pid/stat"
}

measure() {
    local name="$1" path="$2" output before after started finished
    before="$(server_cpu)"
    started="$(date +%s.%N)"
    output="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$port$path")"
    finished="$(date +%s.%N)"
    after="$(server_cpu)"
    local rps p50 p99 errors cores
    rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$output")"
    p50="$(awk '$1 == "50%" {print $2}' <<<"$output")"
    p99="$(awk '$1 == "99%" {print $2}' <<<"$output")"
    errors="$(grep -E 'Non-2xx|Socket errors' <<<"$output" || true)"
    # How many of the machine's cores the server itself kept busy (wrk runs on the same machine).
    cores="$(awk -v a="$before" -v b="$after" -v s="$started" -v f="$finished" 'BEGIN { printf "%.2f", (b - a) / (f - s) }')"
    printf '%-32s %12s req/s   p50 %8s   p99 %8s   server %s cores   %s\n' "$name" "$rps" "$p50" "$p99" "$cores" "${errors:-no errors}"
}

say "measuring: $THREADS wrk threads, $CONNECTIONS connections, $DURATION each ($(nproc) cores, $(date -u +%Y-%m-%d))"
measure "GET /api/v1/health/live" "/api/v1/health/live"
measure "GET /api/v1/examples?limit=10" "/api/v1/examples?limit=10"
