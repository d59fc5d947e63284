#!/usr/bin/env bash
# Helpers shared by the checks that drive a live `portside serve`. Sourced, not run.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

PORTSIDE_BINARY="${PORTSIDE_BINARY:-$PORTSIDE_ROOT/.build/debug/portside}"
VENV="$PORTSIDE_ROOT/.build/venv"

# Installs the pinned Python requirements ("name==version") into the project venv, each only when that exact version
# is not there yet, so a warm machine asks PyPI nothing.
venv_install() {
    [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
    local missing=() requirement
    for requirement in "$@"; do
        "$VENV/bin/python" - "${requirement%%==*}" "${requirement##*==}" <<'EOF' 2>/dev/null || missing+=("$requirement")
import importlib.metadata, sys
sys.exit(importlib.metadata.version(sys.argv[1]) != sys.argv[2])
EOF
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    say "installing ${missing[*]} into .build/venv"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "${missing[@]}"
}

# Waits up to $3 seconds for the extended regex $2 to appear in the file $1 and prints its first capture group
# (sed -E syntax). Fails when the process $4 died or the time ran out.
wait_for_log() {
    local file="$1" pattern="$2" seconds="$3" pid="$4" found deadline=$((SECONDS + $3))
    while [ "$SECONDS" -lt "$deadline" ]; do
        found="$(sed -nE "s/.*${pattern}.*/\\1/p" "$file" 2>/dev/null | head -n 1)"
        [ -n "$found" ] && { printf '%s\n' "$found"; return 0; }
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.2
    done
    return 1
}

# Starts `portside serve` in the background on a port the system picks, with every bit of state (SQLite file, mail
# files) in the throwaway directory $1, which is also its working directory so no developer's .env is read.
# Extra KEY=value settings may follow. Sets PORTSIDE_PID, PORTSIDE_PORT, PORTSIDE_URL and PORTSIDE_LOG.
start_portside() {
    local dir="$1"
    shift
    [ -x "$PORTSIDE_BINARY" ] || die "no portside binary at $PORTSIDE_BINARY: build it first (swift build)"
    # A JWT secret of its own, so the run never warns about a random one.
    PORTSIDE_ENV=(
        APP_ENV=test HOST=127.0.0.1 PORT=0 LOG_FORMAT=pretty
        DATABASE_URL="sqlite:$dir/portside.sqlite" MAIL_URL="file:$dir/mail" MIGRATIONS_DIR="$PORTSIDE_ROOT/migrations"
        JWT_SECRET="$(head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n')"
        "$@"
    )
    PORTSIDE_DIR="$dir"
    PORTSIDE_LOG="$dir/portside.log"
    (cd "$dir" && exec env "${PORTSIDE_ENV[@]}" "$PORTSIDE_BINARY" serve) >"$PORTSIDE_LOG" 2>&1 &
    PORTSIDE_PID=$!
    # PORT=0 avoids racing another process for a "free" port; Hummingbird logs the one it bound.
    if ! PORTSIDE_PORT="$(wait_for_log "$PORTSIDE_LOG" 'listening on 127\.0\.0\.1:([0-9]+)' 60 "$PORTSIDE_PID")"; then
        cat "$PORTSIDE_LOG" >&2
        die "portside serve did not start (log above)"
    fi
    PORTSIDE_URL="http://127.0.0.1:$PORTSIDE_PORT"
}

# Runs another portside command (such as `users create-admin`) on the state of the server start_portside started.
portside_command() {
    (cd "$PORTSIDE_DIR" && exec env "${PORTSIDE_ENV[@]}" "$PORTSIDE_BINARY" "$@")
}

# Sends SIGTERM to the process $1 if it still runs and waits (at most 10 seconds) for it to go.
stop_process() {
    local pid="${1:-}" i
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill "$pid" 2>/dev/null || true
    for i in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
