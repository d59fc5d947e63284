#!/usr/bin/env bash
# Runs Portside locally with the embedded defaults: SQLite in data/, in-memory job queue and rate limits, mail
# written to files. Installs the missing system libraries, builds, migrates and serves on :8080 until Ctrl-C.
# Any configuration key can be set in the environment or in .env (see .env.example).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$PORTSIDE_ROOT"

require_swift
apt_install_missing "${RUNTIME_PACKAGES[@]}"

say "building portside (the first build takes several minutes)"
swift build --product portside

say "serving on http://localhost:${PORT:-8080} (docs at /api/v1/docs, Ctrl-C to stop)"
exec "$PORTSIDE_ROOT/.build/debug/portside" serve "$@"
