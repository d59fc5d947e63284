-- Examples: the resource every module copies. Deleted rows are kept (deleted_at) and never returned.
-- Times are timestamptz holding whole milliseconds: the adapter writes nothing finer.
CREATE TABLE examples (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    description text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    deleted_at timestamptz
);

-- Serves the default listing (live rows, newest first) and its count.
CREATE INDEX examples_live_by_created ON examples (created_at DESC, id DESC) WHERE deleted_at IS NULL;
