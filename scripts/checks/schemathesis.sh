#!/usr/bin/env bash
# Fuzzes a live `portside serve` with Schemathesis from the document it serves: every operation, signed in, with
# every check, so a 5xx, a response that breaks its schema, a valid request refused or an invalid one accepted
# fails the run. Complements the in-process contract test (routes and document agree) with what the running service
# actually answers.
#
# Two runs on one throwaway server: the main one as a verified user, then the administrators' operations as an
# administrator. They are apart because an administrator's run may disable or delete any account, the main one's too.
# SCHEMATHESIS_MAX_EXAMPLES and SCHEMATHESIS_SEED override the bounds below.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$PORTSIDE_ROOT"

apt_install_missing python3 python3-venv
venv_install "schemathesis==4.32.5"

# Bounded so both runs finish in about a minute and a half on two cores; a fixed seed makes a failure reproducible.
max_examples="${SCHEMATHESIS_MAX_EXAMPLES:-100}"
seed="${SCHEMATHESIS_SEED:-20261126}"

work="$(mktemp -d)"
PORTSIDE_PID=""
cleanup() {
    stop_process "$PORTSIDE_PID"
    rm -rf "$work"
}
trap cleanup EXIT

# Rate limits and the throttle of wrong passwords at their most lenient, or the fuzzer mostly meets 429. Argon2
# stays at its floor (the default), which is already the cheapest the configuration allows. Event streams close after
# a second (a client reconnects, as after any close), so each fuzzed request of the stream gets its whole answer.
start_portside "$work" \
    RATE_LIMIT_MAX=2147483647 AUTH_RATE_LIMIT_MAX=2147483647 LOCKOUT_MAX_ATTEMPTS=100 \
    LOCKOUT_ADDRESS_MAX_ATTEMPTS=1000000 LOCKOUT_DURATION=1s EVENTS_MAX_DURATION=1s EVENTS_MAX_STREAMS_PER_USER=1000
say "portside serve on $PORTSIDE_URL"

account() {
    "$VENV/bin/python" "$PORTSIDE_ROOT/scripts/checks/api_account.py" "$@" || die "could not get a token ($*)"
}
password="Fuzz-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')-A1"
say "registering the fuzzing accounts through the API"
user_token="$(account register "$PORTSIDE_URL" fuzz-user@example.com "$password" "$work/mail")"
export PORTSIDE_REVOKE_TOKEN PORTSIDE_END_SESSION_TOKEN PORTSIDE_CHANGE_PASSWORD_TOKEN PORTSIDE_UPDATE_ME_TOKEN
PORTSIDE_REVOKE_TOKEN="$(account register "$PORTSIDE_URL" fuzz-revoke@example.com "$password" "$work/mail")"
PORTSIDE_END_SESSION_TOKEN="$(account register "$PORTSIDE_URL" fuzz-end-session@example.com "$password" "$work/mail")"
PORTSIDE_CHANGE_PASSWORD_TOKEN="$(account register "$PORTSIDE_URL" fuzz-password@example.com "$password" "$work/mail")"
PORTSIDE_UPDATE_ME_TOKEN="$(account register "$PORTSIDE_URL" fuzz-update-me@example.com "$password" "$work/mail")"
printf '%s\n' "$password" | portside_command users create-admin --email fuzz-admin@example.com --name "Fuzz Admin" \
    >"$work/create-admin.log" 2>&1 || { cat "$work/create-admin.log" >&2; die "portside users create-admin failed"; }
admin_token="$(account login "$PORTSIDE_URL" fuzz-admin@example.com "$password")"

artifacts="$PORTSIDE_ROOT/.build/artifacts/schemathesis"
rm -rf "$artifacts"
mkdir -p "$artifacts"
log="$artifacts/output.log"
# The administrators' operations: every account, the audit log, the failed jobs.
admin_paths='^/api/v1/(users(/\{id\}.*)?|audit-events|jobs/.*)$'

# Runs Schemathesis with the given token and filters. The full output goes to $log and a JUnit report beside it;
# the terminal gets the output with overlong lines (fuzzed bodies) cut.
fuzz() {
    local name="$1" token="$2" report="$3"
    shift 3
    say "schemathesis ($name): $PORTSIDE_URL/openapi.json, --max-examples $max_examples, --seed $seed"
    printf '\n===== %s =====\n' "$name" >>"$log"
    set +e
    (cd "$work" && timeout --kill-after=10 300 "$VENV/bin/schemathesis" --no-color \
        --config-file "$PORTSIDE_ROOT/scripts/checks/schemathesis.toml" \
        run "$PORTSIDE_URL/openapi.json" \
        -H "Authorization: Bearer $token" \
        --checks all --max-examples "$max_examples" --seed "$seed" --workers 2 \
        --generation-database none --request-timeout 30 \
        --report junit --report-junit-path "$artifacts/junit-$report.xml" "$@") 2>&1 \
        | tee -a "$log" | cut -c1-400
    local result="${PIPESTATUS[0]}"
    set -e
    return "$result"
}

status=0
fuzz "signed-in user" "$user_token" user --exclude-path-regex "$admin_paths" || status=1
fuzz "administrator" "$admin_token" admin --include-path-regex "$admin_paths" || status=1

cp "$PORTSIDE_LOG" "$artifacts/server.log"
# A server that went away makes Schemathesis report "Server Unavailable"; say which way it went.
if ! kill -0 "$PORTSIDE_PID" 2>/dev/null || grep -q 'shutdown started' "$PORTSIDE_LOG"; then
    warn "portside serve stopped during the run (a crash, or a signal from outside); the end of its log:"
    tail -n 20 "$PORTSIDE_LOG" >&2
    status=1
fi
if grep -Eq 'status=5[0-9]{2}' "$PORTSIDE_LOG"; then
    warn "the server answered 5xx; its log lines:"
    grep -E 'status=5[0-9]{2}|ERROR|CRITICAL' "$PORTSIDE_LOG" | tail -n 40 >&2
fi
[ "$status" -eq 0 ] || die "schemathesis found problems (full output, JUnit reports and server log in $artifacts)"
say "schemathesis: no problems found (reports in $artifacts)"
