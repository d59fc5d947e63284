#!/usr/bin/env bash
# Rewrites the keys table of docs/configuration.md from ConfigurationKey.all (Sources/App/Configuration), the one
# table of configuration keys. ConfigurationKeyTableTests fails until the docs match it.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$PORTSIDE_ROOT"

swift build --product portside >/dev/null
table="$(mktemp)"
trap 'rm -f "$table"' EXIT
.build/debug/portside config docs > "$table"
python3 - "$table" docs/configuration.md <<'PY'
import sys
table = open(sys.argv[1]).read().rstrip("\n").split("\n")
path = sys.argv[2]
lines = open(path).read().split("\n")
rows = [i for i, line in enumerate(lines) if line.startswith("| ") or line.startswith("|---")]
if not rows:
    sys.exit(f"no table found in {path}")
first, last = rows[0], rows[-1]
if rows != list(range(first, last + 1)):
    sys.exit(f"{path} holds more than one table: rewrite it by hand")
lines[first:last + 1] = table
open(path, "w").write("\n".join(lines))
PY
say "docs/configuration.md: keys table rewritten"
