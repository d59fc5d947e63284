#!/usr/bin/env bash
# Full-text search over 100,000 examples: the release build on a throwaway PostgreSQL, then on SQLite, each seeded
# straight into its table (the search index follows the rows: a generated column and FTS5 triggers), then wrk with
# benchmarks/search.lua rotating twelve queries (single words common and rare, two and three words, phrases, "or",
# exclusions). Reports req/s and p50/p99 per engine; the plan of one PostgreSQL search is printed too.
#
#   benchmarks/search.sh
#   ROWS=200000 DURATION=30s benchmarks/search.sh
#   BINARY=/path/to/portside benchmarks/search.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$PORTSIDE_ROOT"

ROWS="${ROWS:-100000}"
DURATION="${DURATION:-15s}"
CONNECTIONS="${CONNECTIONS:-32}"

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
server_pid=""
stop_server() {
    [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    server_pid=""
}
cleanup() {
    stop_server
    stop_postgres
    rm -rf "$workdir"
}
source "$PORTSIDE_ROOT/scripts/services/postgres.sh"
trap cleanup EXIT

# The vocabulary: 49 words; a name and description draw 5 of them, so one word is in about 1 example in 10.
WORDS="harbour crane quay lantern blue anchor buoy rope tar mooring pier old red green dock wharf sail mast keel hull
deck bow stern tide wave gull shell sand salt net hook line cask barrel crate chain bell flag knot oar reef storm wind
light beacon jetty slip berth cargo"

start_server() {
    local database_url="$1"
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
    APP_ENV=development PORT="$port" HOST=127.0.0.1 DATABASE_URL="$database_url" MIGRATIONS_DIR="$PORTSIDE_ROOT/migrations" \
        LOG_LEVEL=warning RATE_LIMIT_MAX=1000000000 MAIL_URL=memory: JWT_SECRET="benchmark-secret-benchmark-secret-0123456789" \
        "$binary" serve > "$workdir/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 100); do
        python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/api/v1/health/live')" 2>/dev/null && return 0
        sleep 0.2
    done
    cat "$workdir/server.log"
    die "portside did not start"
}

measure() {
    local name="$1" output
    output="$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$PORTSIDE_ROOT/benchmarks/search.lua" "http://127.0.0.1:$port")"
    printf '%-44s %10s req/s   p50 %8s   p99 %8s   %s\n' "$name" \
        "$(awk '/^Requests\/sec:/ {print $2}' <<<"$output")" "$(awk '$1 == "50%" {print $2}' <<<"$output")" \
        "$(awk '$1 == "99%" {print $2}' <<<"$output")" "$(grep -E 'Non-2xx|Socket errors' <<<"$output" || echo 'no errors')"
}

# SEED_SQL: one INSERT ... SELECT of $ROWS examples with names and descriptions drawn from the vocabulary.
say "PostgreSQL: $ROWS examples"
start_postgres
start_server "$PORTSIDE_TEST_POSTGRES_URL"
psql_url="${PORTSIDE_TEST_POSTGRES_URL}"
words_array="ARRAY['$(tr -s ' \n' ' ' <<<"$WORDS" | sed -e "s/ *$//" -e "s/ /','/g")']"
"$POSTGRES_BIN/psql" -q "$psql_url" -v ON_ERROR_STOP=1 <<SQL
INSERT INTO examples (id, name, description, created_at, updated_at)
SELECT gen_random_uuid(),
    initcap(w[1 + floor(random() * array_length(w, 1))::int]) || ' ' || w[1 + floor(random() * array_length(w, 1))::int],
    'The ' || w[1 + floor(random() * array_length(w, 1))::int] || ' by the ' || w[1 + floor(random() * array_length(w, 1))::int] || ' and ' || w[1 + floor(random() * array_length(w, 1))::int],
    now() - make_interval(secs => n), now() - make_interval(secs => n)
FROM generate_series(1, $ROWS) AS n, (SELECT $words_array AS w) AS vocabulary;
ANALYZE examples;
SQL
say "the plan of one search (EXPLAIN ANALYZE)"
"$POSTGRES_BIN/psql" -q "$psql_url" -c "EXPLAIN (ANALYZE, COSTS OFF) SELECT id FROM examples WHERE deleted_at IS NULL
    AND search_vector @@ to_tsquery('simple', '(''harbour'') & (''crane'')')
    ORDER BY ts_rank(search_vector, to_tsquery('simple', '(''harbour'') & (''crane'')')) DESC, created_at DESC, id DESC LIMIT 10"
measure "PostgreSQL: GET /examples?q=... (12 queries)"
stop_server
stop_postgres

say "SQLite: $ROWS examples"
database="$workdir/search.sqlite"
start_server "sqlite:$database"
stop_server
python3 - "$database" "$ROWS" "$WORDS" <<'PY'
import random, sqlite3, sys, time, uuid
path, rows, words = sys.argv[1], int(sys.argv[2]), sys.argv[3].split()
random.seed(7)
now = int(time.time() * 1000)
pick = lambda: random.choice(words)
with sqlite3.connect(path) as db:
    db.executemany(
        "INSERT INTO examples (id, name, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
        ((str(uuid.uuid4()), f"{pick().capitalize()} {pick()}", f"The {pick()} by the {pick()} and {pick()}", now - n * 1000,
          now - n * 1000) for n in range(rows)))
PY
start_server "sqlite:$database"
measure "SQLite: GET /examples?q=... (12 queries)"
