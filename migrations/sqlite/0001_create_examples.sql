-- Examples: the resource every module copies. Deleted rows are kept (deleted_at) and never returned.
CREATE TABLE examples (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    deleted_at INTEGER
) STRICT;

-- Serves the default listing (live rows, newest first) and its count.
CREATE INDEX examples_live_by_created ON examples (created_at DESC, id DESC) WHERE deleted_at IS NULL;
