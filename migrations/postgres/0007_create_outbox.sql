-- Jobs that committed changes asked for, written in the same transaction as the change and moved to the job
-- queue by the relay, oldest first (ids are UUIDv7, ordered by time).
CREATE TABLE outbox (
    id uuid PRIMARY KEY,
    queue text NOT NULL,
    kind text NOT NULL,
    payload text NOT NULL,
    run_at timestamptz,
    created_at timestamptz NOT NULL
);

CREATE INDEX outbox_by_age ON outbox (created_at, id);
