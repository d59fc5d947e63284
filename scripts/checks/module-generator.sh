#!/usr/bin/env bash
# Proves the module generator: generates a `widgets` module from examples, builds it, runs its tests (memory, SQLite
# and, with the test command's servers, PostgreSQL) with the checks that tie routes, OpenAPI files, migrations and
# configuration together, then removes it again, also when something fails. Runs last in the test command: it leaves
# the build with the module compiled in.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
cd "$PORTSIDE_ROOT"

remove() { bash scripts/new-module.sh --remove widgets >/dev/null 2>&1 || true; }
trap remove EXIT
bash scripts/new-module.sh widget widgets
swift build --build-tests
timeout 900 swift test --skip-build --filter "Widget|RouteContractTests|OpenAPIFilesTests|MigratorTests|ConfigurationKeyTableTests"
swift format lint --recursive --strict Sources Tests
remove
trap - EXIT
if [ -n "$(git status --porcelain -- Sources Tests migrations)" ] && [ "${CI:-}" = "true" ]; then
    git status --short -- Sources Tests migrations
    die "removing the generated module did not restore the tree"
fi
say "module generator OK: widgets generated, built, tested and removed"
