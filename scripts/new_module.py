"""Generates a Portside module from the examples module, or removes one it generated.

    python3 scripts/new_module.py NAME PLURAL      e.g. note notes
    python3 scripts/new_module.py --remove PLURAL

Generating copies every file the examples module owns under the new name (domain, repository port, memory, SQLite
and PostgreSQL adapters, controller, OpenAPI file, migrations, tests) and makes the wiring edits a person would
make, each a renamed copy of the examples' own line: the repository in `Repositories` and in each engine's
`repositories(on:)`, the memory table, the permissions, the HTTP dependencies, the route registration and the
composition root. What it changed is kept under .build/generated-modules/PLURAL, which `--remove` uses to undo it.
"""

import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / ".build" / "generated-modules"

# The files the examples module owns: copied and renamed.
OWNED = [
    "Sources/Domain/Examples/Example.swift",
    "Sources/Domain/Examples/ExampleDraft.swift",
    "Sources/Domain/Examples/ExampleRepository.swift",
    "Sources/Domain/Examples/ExampleService.swift",
    "Sources/MemoryAdapters/ExampleMemoryRepository.swift",
    "Sources/SQLiteAdapter/ExampleSQLiteRepository.swift",
    "Sources/PostgresAdapter/ExamplePostgresRepository.swift",
    "Sources/PostgresAdapter/ExamplePostgresRepository+Statements.swift",
    "Sources/HTTPAdapter/Controllers/ExamplesController.swift",
    "Tests/AdapterContractTests/ExampleRepositoryContractTests.swift",
    "Tests/AdapterContractTests/ExampleRepositoryContractTests+Search.swift",
    "Tests/AdapterContractTests/ExampleRepositoryContractTests+FullText.swift",
    "Tests/DomainTests/ExampleServiceTests.swift",
    "Tests/DomainTests/ExampleOwnershipTests.swift",
    "Tests/HTTPAdapterTests/ExamplesAPITests.swift",
    "Tests/HTTPAdapterTests/ExamplesSearchAPITests.swift",
]
OPENAPI = "Sources/HTTPAdapter/Resources/openapi"
MIGRATIONS = ["0001_create_examples.sql", "0002_add_example_owner.sql", "0009_add_example_search.sql"]

# Wiring: in each file, every line matching the pattern gets a renamed copy right after it.
LINES = [
    ("Sources/Domain/Ports/UnitOfWork.swift", r"\bexamples\b"),
    ("Sources/MemoryAdapters/MemoryDatabase.swift", r"examples: ExampleMemoryRepository\("),
    ("Sources/SQLiteAdapter/SQLiteDatabase.swift", r"examples: ExampleSQLiteRepository\("),
    ("Sources/PostgresAdapter/PostgresDatabase.swift", r"examples: ExamplePostgresRepository\("),
    ("Sources/MemoryAdapters/MemoryTables.swift", r"var examples: \[UUID: ExampleRecord\]"),
    ("Sources/Domain/Identity/Role.swift", r"case (writeOwnExamples|writeAnyExample)$"),
    ("Sources/HTTPAdapter/HTTPSettings.swift", r"\bexamples\b"),
    ("Sources/HTTPAdapter/HTTPApplication.swift", r"ExamplesController\(service: dependencies\.examples"),
    ("Tests/HTTPAdapterTests/TestApp.swift", r"examples: ExampleService\("),
]
# Wiring that spans lines: the block from the line matching the pattern to its closing `),`.
BLOCKS = [("Sources/App/Portside.swift", r"examples: ExampleService\($")]


def renamer(singular, plural):
    pairs = [
        ("EXAMPLES", plural.upper()), ("EXAMPLE", singular.upper()),
        ("Examples", plural.capitalize()), ("examples", plural),
        ("Example", singular.capitalize()), ("example", singular),
    ]

    def rename(text):
        for old, new in pairs:
            text = text.replace(old, new)
        return text

    return rename


def without_attachments(text):
    """The text without its lines about attachments, which belong to examples alone (the `attachments` table refers to
    `examples`): a new module starts without files of its own; and without its lines about the example cache
    (`ExampleCache`, whose keys and bodies are the examples'): a new module starts uncached."""
    return "\n".join(line for line in text.split("\n") if not re.search(r"\battachments\b|\bcache\b|ExampleCache", line))


def openapi_part(text, singular):
    """The examples' OpenAPI file, renamed: a component whose name does not already say whose it is (`Search`) gets
    the module's name in front, since two files may not define one component."""
    part = json.loads(text)
    prefix = singular.capitalize()
    moved = []
    for section, entries in part.get("components", {}).items():
        renamed = {}
        for name, node in entries.items():
            if prefix in name:
                renamed[name] = node
            else:
                renamed[prefix + name] = node
                moved.append((section, name))
        part["components"][section] = renamed
    text = json.dumps(part, indent=2, ensure_ascii=False) + "\n"
    for section, name in moved:
        text = text.replace(f'"#/components/{section}/{name}"', f'"#/components/{section}/{prefix}{name}"')
    return text


def generate(singular, plural):
    if not re.fullmatch(r"[a-z]+", singular) or not re.fullmatch(r"[a-z]+", plural) or singular == plural:
        sys.exit("NAME and PLURAL are lower-case letters only, and differ (note notes)")
    if plural in ("examples", "users", "sessions") or (STATE / plural).exists():
        sys.exit(f"a module {plural} exists already")
    rename = renamer(singular, plural)
    created, edited = [], {}

    def create(path, text):
        target = ROOT / path
        if target.exists():
            sys.exit(f"{path} exists already")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        created.append(path)

    def edit(path, text):
        edited.setdefault(path, (ROOT / path).read_text())
        (ROOT / path).write_text(text)

    for path in OWNED:
        create(rename(path), rename(without_attachments((ROOT / path).read_text())))

    parts = sorted((ROOT / OPENAPI).glob("*.json"))
    number = max(int(p.name.split("-")[0]) for p in parts) + 10
    create(f"{OPENAPI}/{number:02d}-{plural}.json", openapi_part(rename((ROOT / OPENAPI / "20-examples.json").read_text()), singular))

    for engine in ("sqlite", "postgres"):
        directory = ROOT / "migrations" / engine
        version = max(int(p.name[:4]) for p in directory.glob("*.sql")) + 1
        text = "\n".join(rename((directory / name).read_text()).rstrip("\n") for name in MIGRATIONS) + "\n"
        create(f"migrations/{engine}/{version:04d}_create_{plural}.sql", text)

    for path, pattern in LINES:
        lines = (ROOT / path).read_text().split("\n")
        out = []
        for line in lines:
            out.append(line)
            if re.search(pattern, line):
                copy = rename(line)
                if path.endswith("TestApp.swift"):
                    copy = copy.replace("repository ?? ", "")  # the swappable repository is the examples' own
                out.append(copy)
        if out == lines:
            sys.exit(f"{path}: nothing matched {pattern}: the examples module changed shape; update scripts/new_module.py")
        edit(path, "\n".join(out))

    for path, pattern in BLOCKS:
        lines = (ROOT / path).read_text().split("\n")
        start = next(i for i, line in enumerate(lines) if re.search(pattern, line))
        indent = lines[start][: len(lines[start]) - len(lines[start].lstrip())]
        end = next(i for i in range(start + 1, len(lines)) if lines[i] == indent + "),")
        # The examples' cache stays theirs: a generated module starts uncached (see without_attachments).
        block = [rename(line) for line in lines[start : end + 1] if not re.search(r"\bcache\b|ExampleCache", line)]
        edit(path, "\n".join(lines[: end + 1] + block + lines[end + 1 :]))

    role = "Sources/Domain/Identity/Role.swift"
    text = (ROOT / role).read_text()
    granted = text.replace(".writeOwnExamples]", f".writeOwnExamples, {rename('.writeOwnExamples')}]", 1)
    if granted == text:
        sys.exit(f"{role}: the user role's permissions changed shape; update scripts/new_module.py")
    edit(role, granted)

    backup = STATE / plural
    backup.mkdir(parents=True)
    (backup / "manifest.json").write_text(json.dumps({"created": created, "edited": edited}, indent=2))
    print(f"generated the {plural} module ({len(created)} files, {len(edited)} files wired). Now make it yours:")
    for step in [
        f"the entity and its input rules: Sources/Domain/{plural.capitalize()}/{singular.capitalize()}.swift and "
        f"{singular.capitalize()}Draft.swift",
        f"its table: migrations/*/NNNN_create_{plural}.sql (both engines, same meaning)",
        f"its operations: {OPENAPI}/{number:02d}-{plural}.json",
        f"who may write it: the permissions in {role}",
        f"its line in adapters.md and the README's list of modules",
    ]:
        print(f"  - {step}")
    print(f"Undo with: scripts/new-module.sh --remove {plural}")


def remove(plural):
    manifest = STATE / plural / "manifest.json"
    if not manifest.exists():
        sys.exit(f"no generated module {plural} to remove")
    state = json.loads(manifest.read_text())
    for path, text in state["edited"].items():
        (ROOT / path).write_text(text)
    for path in state["created"]:
        target = ROOT / path
        target.unlink(missing_ok=True)
        parent = target.parent
        while parent != ROOT and parent.exists() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
    shutil.rmtree(STATE / plural)
    print(f"removed the {plural} module")


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if len(arguments) == 2 and arguments[0] == "--remove":
        remove(arguments[1])
    elif len(arguments) == 2:
        generate(*arguments)
    else:
        sys.exit(__doc__)
