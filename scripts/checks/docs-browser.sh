#!/usr/bin/env bash
# Opens the API docs page of a live `portside serve` in headless Chromium and runs GET /api/v1/health from it
# ("Try it out", "Execute"), so the page's Content-Security-Policy, the served document and Swagger UI are tested
# together, as a reader meets them. The Swagger UI assets come from a PyPI package served on loopback, since CI
# reaches no CDN. Leaves a screenshot in .build/artifacts/docs-browser.png.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$PORTSIDE_ROOT"

apt_install_missing chromium chromium-driver python3 python3-venv
# swagger-ui-bundle-v2 ships Swagger UI 5 (the production default is swagger-ui-dist@5); the older swagger-ui-bundle
# ships 4.15, which cannot render an OpenAPI 3.1 document.
venv_install "selenium==4.51.0" "swagger-ui-bundle-v2==5.31.0"

work="$(mktemp -d)"
ASSETS_PID=""
PORTSIDE_PID=""
cleanup() {
    stop_process "$ASSETS_PID"
    stop_process "$PORTSIDE_PID"
    rm -rf "$work"
}
trap cleanup EXIT

assets="$("$VENV/bin/python" -c 'import swagger_ui_bundle; print(swagger_ui_bundle.swagger_ui_path)')"
[ -f "$assets/swagger-ui-bundle.js" ] && [ -f "$assets/swagger-ui.css" ] \
    || die "no swagger-ui-bundle.js and swagger-ui.css in $assets"

say "serving the Swagger UI assets from $assets"
"$VENV/bin/python" -u -m http.server 0 --bind 127.0.0.1 --directory "$assets" >"$work/assets.log" 2>&1 &
ASSETS_PID=$!
assets_port="$(wait_for_log "$work/assets.log" 'Serving HTTP on 127\.0\.0\.1 port ([0-9]+)' 20 "$ASSETS_PID")" \
    || { cat "$work/assets.log" >&2; die "the assets server did not start"; }

mkdir -p "$work/state"
start_portside "$work/state" DOCS_ASSETS_URL="http://127.0.0.1:$assets_port"
say "portside serve on $PORTSIDE_URL (assets on 127.0.0.1:$assets_port)"

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
