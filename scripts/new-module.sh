#!/usr/bin/env bash
# Generates a module from the examples module: its domain, repository port, memory, SQLite and PostgreSQL adapters,
# controller, OpenAPI file, migrations and tests, wired in everywhere the examples are. See scripts/new_module.py.
#
#   scripts/new-module.sh NAME PLURAL       e.g. scripts/new-module.sh note notes
#   scripts/new-module.sh --remove PLURAL   undoes a generation
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$PORTSIDE_ROOT"
exec python3 scripts/new_module.py "$@"
