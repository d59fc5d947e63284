#!/usr/bin/env bash
# Tests Portside's PostgreSQL backup and restore procedure (README, "Backing up and restoring") from end to end:
#
#   1. creates a database, runs `portside migrate` on it, and seeds it through the API (`portside serve`): two
#      accounts, examples (one soft-deleted), a rotated refresh token, the audit events and email tokens these make;
#   2. backs it up with `pg_dump --format=custom`;
#   3. restores the dump with `pg_restore --no-owner --exit-on-error` into a second, new database;
#   4. checks the copy: `portside migrate status` lists every migration as applied, every table has the same row
#      count and the same contents as the original, and `portside serve` in production mode starts on it and lets
#      a seeded account sign in and list its examples.
#
# Prints PASS or FAIL and exits non-zero on failure. Both databases are dropped at the end, whatever happens.
#
# Server: PORTSIDE_TEST_POSTGRES_URL (postgres://user[:password]@host:port/db?sslmode=...) names a server where the
# user may create databases; without it, a throwaway cluster is started (scripts/services/postgres.sh) and removed.
# Binary: PORTSIDE_BINARY, or .build/debug/portside (build it with `swift build` first).
# Needs psql, pg_dump and pg_restore (Debian postgresql-client; installed when missing), curl and python3.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$PORTSIDE_ROOT"

started=$SECONDS
BINARY="${PORTSIDE_BINARY:-$PORTSIDE_ROOT/.build/debug/portside}"
[ -x "$BINARY" ] || die "no Portside binary at $BINARY: build it first (swift build), or set PORTSIDE_BINARY"
command -v pg_dump >/dev/null 2>&1 && command -v pg_restore >/dev/null 2>&1 && command -v psql >/dev/null 2>&1 \
    || apt_install_missing postgresql-client
command -v curl >/dev/null 2>&1 || apt_install_missing curl
command -v python3 >/dev/null 2>&1 || apt_install_missing python3

WORK="$(mktemp -d /tmp/portside-backup-check.XXXXXX)"
SERVER_PID=""
OWN_POSTGRES=false
ADMIN_URL=""
SOURCE_DB="portside_backup_source_$$"
RESTORED_DB="portside_backup_restored_$$"

cleanup() {
    local status=$?
    stop_portside
    if [ -n "$ADMIN_URL" ]; then
        psql -X "$ADMIN_URL" -qAt -c "DROP DATABASE IF EXISTS $SOURCE_DB WITH (FORCE)" >/dev/null 2>&1 || true
        psql -X "$ADMIN_URL" -qAt -c "DROP DATABASE IF EXISTS $RESTORED_DB WITH (FORCE)" >/dev/null 2>&1 || true
    fi
    if [ "$OWN_POSTGRES" = true ]; then stop_postgres; fi
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT

if [ -z "${PORTSIDE_TEST_POSTGRES_URL:-}" ]; then
    source "$PORTSIDE_ROOT/scripts/services/postgres.sh"
    say "starting a throwaway PostgreSQL"
    OWN_POSTGRES=true
    start_postgres
fi
ADMIN_URL="$PORTSIDE_TEST_POSTGRES_URL"

# The server's URL with another database in its path (credentials and sslmode kept).
url_for() {
    python3 - "$ADMIN_URL" "$1" <<'EOF'
import sys, urllib.parse as parse
url = parse.urlsplit(sys.argv[1])
print(parse.urlunsplit(url._replace(path="/" + sys.argv[2])))
EOF
}
SOURCE_URL="$(url_for "$SOURCE_DB")"
RESTORED_URL="$(url_for "$RESTORED_DB")"

# Runs a command (here: `env KEY=value ... portside ...`) in a directory of its own, so a developer's .env cannot
# change what Portside does.
in_workdir() {
    (cd "$WORK" && env MIGRATIONS_DIR="$PORTSIDE_ROOT/migrations" LOG_LEVEL=warning "$@")
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Starts `portside serve` with the environment given (KEY=value ...) and waits until it is ready; sets API. Returns
# non-zero, with the server's log on standard error, when it does not become ready.
start_portside() {
    local port log="$WORK/serve-$1.log"
    shift
    port="$(free_port)"
    (cd "$WORK" && exec env MIGRATIONS_DIR="$PORTSIDE_ROOT/migrations" HOST=127.0.0.1 PORT="$port" SHUTDOWN_DRAIN_DELAY=0s \
        LOG_LEVEL=warning "$@" "$BINARY" serve) >"$log" 2>&1 &
    SERVER_PID=$!
    API="http://127.0.0.1:$port/api/v1"
    local tries=0
    until curl -fsS -o /dev/null "$API/health/ready" 2>/dev/null; do
        tries=$((tries + 1))
        if ! kill -0 "$SERVER_PID" 2>/dev/null || [ "$tries" -gt 150 ]; then
            cat "$log" >&2
            warn "portside serve did not become ready"
            stop_portside
            return 1
        fi
        sleep 0.2
    done
}

stop_portside() {
    [ -n "$SERVER_PID" ] || return 0
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
}

# Sends a JSON request and prints the response body; fails unless the status is the one expected.
call() {
    local expected="$1" method="$2" path="$3" body="${4:-}" token="${5:-}" status
    local args=(-sS -o "$WORK/response.json" -w '%{http_code}' -X "$method" "$API$path" -H 'Content-Type: application/json')
    [ -n "$body" ] && args+=(-d "$body")
    [ -n "$token" ] && args+=(-H "Authorization: Bearer $token")
    status="$(curl "${args[@]}")"
    if [ "$status" != "$expected" ]; then
        cat "$WORK/response.json" >&2
        die "$method $path answered $status, expected $expected"
    fi
    cat "$WORK/response.json"
}

# Reads a field from JSON on standard input, by a dotted path (data.tokens.accessToken).
field() {
    python3 -c '
import json, sys
value = json.load(sys.stdin)
for key in sys.argv[1].split("."):
    value = value[key]
print(value)' "$1"
}

TABLES=(schema_migrations users sessions session_retired_tokens one_time_tokens examples audit_events outbox)

# One line per table: its name, its row count and a digest of all its rows (in a fixed order).
snapshot() {
    local url="$1" table
    for table in "${TABLES[@]}"; do
        psql -X "$url" -v ON_ERROR_STOP=1 -qAt -F ' ' \
            -c "SELECT '$table', count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text COLLATE \"C\"), '')) FROM $table t"
    done
}

say "creating $SOURCE_DB and migrating it"
psql -X "$ADMIN_URL" -v ON_ERROR_STOP=1 -qAt -c "CREATE DATABASE $SOURCE_DB" >/dev/null
in_workdir DATABASE_URL="$SOURCE_URL" "$BINARY" migrate

say "seeding it through the API"
start_portside source APP_ENV=development DATABASE_URL="$SOURCE_URL" MAIL_URL=memory: REQUIRE_EMAIL_VERIFICATION=false \
    || die "could not serve the original database"
PASSWORD="Analytical-Engine-1843"
ada="$(call 201 POST /auth/register "{\"name\":\"Ada\",\"email\":\"ada@example.com\",\"password\":\"$PASSWORD\"}")"
ada_refresh="$(printf '%s' "$ada" | field data.tokens.refreshToken)"
# A rotation leaves a retired refresh-token digest behind.
ada_access="$(call 200 POST /auth/refresh-token "{\"refreshToken\":\"$ada_refresh\"}" | field data.accessToken)"
grace="$(call 201 POST /auth/register "{\"name\":\"Grace\",\"email\":\"grace@example.com\",\"password\":\"$PASSWORD\"}")"
grace_access="$(printf '%s' "$grace" | field data.tokens.accessToken)"
for name in "Difference engine" "Analytical engine" "Note G"; do
    call 201 POST /examples "{\"name\":\"$name\",\"description\":\"seeded by backup-restore-check\"}" "$ada_access" >/dev/null
done
call 201 POST /examples '{"name":"Mark I"}' "$grace_access" >/dev/null
deleted="$(call 201 POST /examples '{"name":"Discarded"}' "$grace_access" | field data.id)"
call 200 DELETE "/examples/$deleted" "" "$grace_access" >/dev/null
live_examples="$(call 200 GET "/examples?limit=100" | field meta.total)"
# A failed login is audited too.
call 401 POST /auth/login "{\"email\":\"grace@example.com\",\"password\":\"wrong-$PASSWORD\"}" >/dev/null
sleep 1 # lets the worker settle the verification emails, which create one-time tokens
stop_portside

say "backing it up: pg_dump --format=custom"
pg_dump --format=custom --file="$WORK/portside.dump" "$SOURCE_URL"
say "dump: $(du -h "$WORK/portside.dump" | cut -f1)"

say "restoring into the new database $RESTORED_DB: pg_restore --no-owner --exit-on-error"
psql -X "$ADMIN_URL" -v ON_ERROR_STOP=1 -qAt -c "CREATE DATABASE $RESTORED_DB" >/dev/null
pg_restore --no-owner --exit-on-error --dbname="$RESTORED_URL" "$WORK/portside.dump"

say "checking the restored database"
FAILURES=()

expected_migrations="$(find "$PORTSIDE_ROOT/migrations/postgres" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]_*.sql' | wc -l)"
status_output="$(in_workdir DATABASE_URL="$RESTORED_URL" "$BINARY" migrate status)" || FAILURES+=("portside migrate status failed")
printf '%s\n' "$status_output"
applied="$(printf '%s\n' "$status_output" | grep -c ' applied ' || true)"
if printf '%s\n' "$status_output" | grep -q 'pending'; then FAILURES+=("migrate status shows pending migrations"); fi
if [ "$applied" -ne "$expected_migrations" ]; then
    FAILURES+=("migrate status shows $applied applied migrations, expected $expected_migrations")
fi

snapshot "$SOURCE_URL" >"$WORK/source.txt"
snapshot "$RESTORED_URL" >"$WORK/restored.txt"
printf '%-24s %8s %8s  %s\n' table original restored contents
while read -r table count digest && read -r _ restored_count restored_digest <&3; do
    same=same
    [ "$digest" = "$restored_digest" ] || same=DIFFERENT
    printf '%-24s %8s %8s  %s\n' "$table" "$count" "$restored_count" "$same"
    [ "$count" = "$restored_count" ] || FAILURES+=("$table: $count rows in the original, $restored_count restored")
    [ "$same" = same ] || FAILURES+=("$table: the restored rows differ from the original ones")
done <"$WORK/source.txt" 3<"$WORK/restored.txt"
for table in users sessions examples audit_events; do
    if grep -q "^$table 0 " "$WORK/source.txt"; then FAILURES+=("$table: the seed left it empty, so the check proves nothing"); fi
done

# The copy must serve: production mode (which refuses a schema with pending migrations), a seeded password.
if start_portside restored APP_ENV=production METRICS_TOKEN="restore-check-metrics-token" DATABASE_URL="$RESTORED_URL" MAIL_URL="file:$WORK/mail" \
    JWT_SECRET="$(python3 -c 'import secrets; print(secrets.token_hex(48))')"; then
    access="$(call 200 POST /auth/login "{\"email\":\"ada@example.com\",\"password\":\"$PASSWORD\"}" | field data.tokens.accessToken)" \
        || FAILURES+=("a seeded account could not sign in on the restored database")
    [ "$(call 200 GET /users/me "" "$access" | field data.email)" = ada@example.com ] \
        || FAILURES+=("the restored database returned the wrong account")
    restored_examples="$(call 200 GET "/examples?limit=100" | field meta.total)" || true
    [ "$restored_examples" = "$live_examples" ] \
        || FAILURES+=("GET /examples lists ${restored_examples:-no} examples on the restored database, $live_examples on the original")
    stop_portside
else
    FAILURES+=("portside serve (production) did not start on the restored database")
fi

seconds=$((SECONDS - started))
if [ "${#FAILURES[@]}" -eq 0 ]; then
    printf '\033[1;32mPASS\033[0m backup and restore: %s migrations applied, %s tables identical, service up on the copy (%ss)\n' \
        "$applied" "${#TABLES[@]}" "$seconds"
else
    printf '\033[1;31mFAIL\033[0m backup and restore (%ss):\n' "$seconds" >&2
    printf '  - %s\n' "${FAILURES[@]}" >&2
    exit 1
fi
