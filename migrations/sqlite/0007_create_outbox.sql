-- Jobs that committed changes asked for, written in the same transaction as the change and moved to the job
-- queue by the relay, oldest first (ids are UUIDv7, ordered by time).
CREATE TABLE outbox (
    id TEXT PRIMARY KEY NOT NULL,
    queue TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    run_at INTEGER,
    created_at INTEGER NOT NULL
) STRICT;

CREATE INDEX outbox_by_age ON outbox (created_at, id);
