#!/usr/bin/env bash
# Opens the API docs page of a live `portside serve` in headless Chromium and runs GET /api/v1/health from it
# ("Try it out", "Execute"), so the page's Content-Security-Policy, the served document and Swagger UI are tested
# together, as a reader meets them: the pinned Swagger UI the binary serves itself, each file checked by the
# browser against the page's integrity attribute. Leaves a screenshot in .build/artifacts/docs-browser.png.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$PORTSIDE_ROOT"

apt_install_missing chromium chromium-driver python3 python3-venv
venv_install "selenium==4.51.0"

work="$(mktemp -d)"
PORTSIDE_PID=""
cleanup() {
    stop_process "$PORTSIDE_PID"
    rm -rf "$work"
}
trap cleanup EXIT

resources="$(dirname "$PORTSIDE_BINARY")/portside_HTTPAdapter.resources/swagger-ui"
[ -f "$resources/swagger-ui-bundle.js" ] || die "no Swagger UI beside the binary ($resources): build it first (swift build)"

mkdir -p "$work/state"
start_portside "$work/state" DOCS_ENABLED=true
say "portside serve on $PORTSIDE_URL, serving its own Swagger UI"

screenshot="$PORTSIDE_ROOT/.build/artifacts/docs-browser.png"
mkdir -p "$(dirname "$screenshot")"
rm -f "$screenshot"
say "opening $PORTSIDE_URL/api/v1/docs in headless Chromium"
# Each browser step has its own timeout; this bounds the whole, browser start-up included.
if ! SE_OFFLINE=true timeout --kill-after=10 180 \
    "$VENV/bin/python" "$PORTSIDE_ROOT/scripts/checks/docs_browser.py" "$PORTSIDE_URL/api/v1/docs" "$screenshot"; then
    echo "--- portside serve log (last 40 lines) ---" >&2
    tail -n 40 "$PORTSIDE_LOG" >&2
    die "the docs page did not run GET /api/v1/health to a 200 (screenshot, if any: $screenshot)"
fi
say "docs page OK: GET /api/v1/health answered 200 in the browser; screenshot at $screenshot"
