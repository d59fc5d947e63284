#!/usr/bin/env bash
# Runs Portside's whole test suite from a clean clone: installs what is missing, builds, starts the throwaway
# services the adapter suites need (see scripts/services/), runs every test, checks formatting and the OpenAPI
# document, drives the docs page in headless Chromium and fuzzes the live API (see scripts/checks/), and stops the
# services again, also when something fails.
#
# Under CI=true, a suite whose service is missing fails instead of skipping.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$PORTSIDE_ROOT"

require_swift
apt_install_missing "${RUNTIME_PACKAGES[@]}" python3 python3-venv

# Throwaway services: each scripts/services/NAME.sh defines start_NAME and stop_NAME, exports the variables the
# tests read, and is stopped on exit whatever happens.
STARTED_SERVICES=()
stop_services() {
    local name
    for name in "${STARTED_SERVICES[@]:-}"; do
        [ -n "$name" ] && "stop_$name" || true
    done
}
trap stop_services EXIT
for service in "$PORTSIDE_ROOT"/scripts/services/*.sh; do
    [ -e "$service" ] || continue
    name="$(basename "$service" .sh)"
    source "$service"
    say "starting throwaway $name"
    "start_$name"
    STARTED_SERVICES+=("$name")
done

say "building"
swift build
swift build --build-tests

say "running the tests"
log="$(mktemp)"
set +e
# A hung test must not eat CI's whole budget: the suite takes seconds, so 20 minutes is a generous bound.
PORTSIDE_BINARY="$PORTSIDE_ROOT/.build/debug/portside" timeout 1200 swift test 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

say "checking formatting (swift format lint --strict)"
swift format lint --recursive --strict Sources Tests Package.swift || status=1

say "validating the OpenAPI document"
venv="$PORTSIDE_ROOT/.build/venv"
if ! "$venv/bin/openapi-spec-validator" --version >/dev/null 2>&1; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "openapi-spec-validator==0.9.0"
fi
spec="$(mktemp --suffix=.json)"
"$PORTSIDE_ROOT/.build/debug/portside" openapi > "$spec"
"$venv/bin/openapi-spec-validator" "$spec" || status=1

# Both drive the binary built above as a live server, each with its own throwaway state.
say "checking the API docs page in headless Chromium"
bash "$PORTSIDE_ROOT/scripts/checks/docs-browser.sh" || status=1

say "fuzzing the live API with Schemathesis"
bash "$PORTSIDE_ROOT/scripts/checks/schemathesis.sh" || status=1

say "checking the PostgreSQL backup and restore procedure"
bash "$PORTSIDE_ROOT/scripts/backup-restore-check.sh" || status=1

# Last: it builds the tree with a generated module in it (and removes the module again).
say "generating a module from examples, building and testing it"
bash "$PORTSIDE_ROOT/scripts/checks/module-generator.sh" || status=1

summary="$(grep -Eo 'Test run with [0-9]+ tests? in [0-9]+ suites? (passed|failed)' "$log" | tail -n 1 || true)"
total="$(printf '%s' "$summary" | grep -Eo '[0-9]+' | head -n 1 || true)"
failed="$(grep -E '^✘ Test .* failed after' "$log" | grep -vc '^✘ Test run with' || true)"
# Repeat what failed at the very end, where a reader of a long log (or of only its tail) looks first.
if [ "${failed:-0}" -gt 0 ]; then
    say "failed tests, and what they recorded"
    grep -E '^✘ ' "$log" | grep -v '^✘ Test run with' | tail -n 40 || true
fi
rm -f "$log" "$spec"
if [ -z "$total" ]; then
    die "no test summary found: the test run did not complete"
fi
echo "tests: $((total - failed)) passed, $failed failed"
exit "$status"
