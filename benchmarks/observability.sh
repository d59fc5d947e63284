#!/usr/bin/env bash
# Measures what observability costs the release build on SQLite: GET /api/v1/health/live and
# GET /api/v1/examples?limit=10 (1000 examples) with wrk, with metrics off (METRICS_ENABLED=false), with metrics on
# and no exporter (what ships by default: no tracer is installed), and with metrics and tracing exported over OTLP
# to a local collector that discards them, every trace kept (`traced`) or one in ten (`sampled`). The
# configurations take turns, ROUNDS times, on one seeded database (benchmarks/seed.py), and the medians are
# compared, since a shared machine drifts by more than the effect measured.
#
#   benchmarks/observability.sh
#   ROUNDS=5 DURATION=20s benchmarks/observability.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$PORTSIDE_ROOT"

DURATION="${DURATION:-10s}"
ROUNDS="${ROUNDS:-3}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"

require_swift
apt_install_missing "${RUNTIME_PACKAGES[@]}" wrk python3

say "building the release binary"
swift build -c release --product portside
binary="$PORTSIDE_ROOT/.build/release/portside"

workdir="$(mktemp -d)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
port="$(free_port)"
collector_port="$(free_port)"
server_pid=""
collector_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    [ -n "$collector_pid" ] && kill "$collector_pid" 2>/dev/null
    rm -rf "$workdir"
}
trap cleanup EXIT

# An OTLP/HTTP collector that accepts every export and keeps nothing.
python3 - "$collector_port" >"$workdir/collector.log" 2>&1 <<'PY' &
import http.server, sys
class Discard(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200); self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2"); self.end_headers(); self.wfile.write(b"{}")
    def log_message(self, *args): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Discard).serve_forever()
PY
collector_pid=$!

# start NAME [KEY=value...]: starts the server on the shared database with the given settings.
start() {
    shift
    env APP_ENV=development PORT="$port" HOST=127.0.0.1 DATABASE_URL="sqlite:$workdir/bench.sqlite" \
        MIGRATIONS_DIR="$PORTSIDE_ROOT/migrations" LOG_LEVEL=warning RATE_LIMIT_MAX=1000000000 AUTH_RATE_LIMIT_MAX=1000000000 \
        MAIL_URL=memory: REQUIRE_EMAIL_VERIFICATION=false JWT_SECRET="benchmark-secret-benchmark-secret-0123456789" "$@" \
        "$binary" serve >>"$workdir/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 100); do
        python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/api/v1/health/live')" 2>/dev/null && return 0
        sleep 0.2
    done
    die "the server did not start (log: $workdir/server.log)"
}
stop() {
    kill -TERM "$server_pid" && wait "$server_pid" 2>/dev/null
    server_pid=""
}

say "seeding 1000 examples"
start seed
python3 "$PORTSIDE_ROOT/benchmarks/seed.py" "$port" >/dev/null
stop

configurations=(off metrics traced sampled)
settings_off=(METRICS_ENABLED=false)
settings_metrics=()
settings_traced=(OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$collector_port")
# One trace in ten kept, as a busy production would run it; the others still make (unrecorded) spans.
settings_sampled=("${settings_traced[@]}" OTEL_TRACES_SAMPLER=parentbased_traceidratio OTEL_TRACES_SAMPLER_ARG=0.1)
paths=("/api/v1/health/live" "/api/v1/examples?limit=10")
results="$workdir/results"

say "measuring: $ROUNDS rounds, $THREADS wrk threads, $CONNECTIONS connections, $DURATION per run ($(nproc) cores, $(date -u +%Y-%m-%d))"
for round in $(seq 1 "$ROUNDS"); do
    for configuration in "${configurations[@]}"; do
        declare -n settings="settings_$configuration"
        start "$configuration" "${settings[@]}"
        for path in "${paths[@]}"; do
            rps="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "http://127.0.0.1:$port$path" | awk '/^Requests\/sec:/ {print $2}')"
            printf 'round %s  %-8s %-28s %10s req/s\n' "$round" "$configuration" "$path" "$rps"
            echo "$configuration $path $rps" >>"$results"
        done
        stop
        unset -n settings
    done
done

say "medians (overhead against metrics off)"
python3 - "$results" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    configuration, path, rps = line.split()
    runs.setdefault(path, {}).setdefault(configuration, []).append(float(rps))
for path, by_configuration in runs.items():
    base = statistics.median(by_configuration["off"])
    for configuration in ("off", "metrics", "traced", "sampled"):
        median = statistics.median(by_configuration[configuration])
        print(f"{path:28} {configuration:8} {median:10.0f} req/s  {100 * (base - median) / base:+6.1f}% slower")
PY
