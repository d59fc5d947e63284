-- The append-only audit log. No foreign keys: a record of what happened must never be refused or changed
-- because of what happened later.
CREATE TABLE audit_events (
    id TEXT PRIMARY KEY NOT NULL,
    occurred_at INTEGER NOT NULL,
    actor_id TEXT,
    action TEXT NOT NULL,
    target_id TEXT,
    outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure')),
    client_address TEXT,
    user_agent TEXT,
    request_id TEXT,
    detail TEXT
) STRICT;

-- Serves the unfiltered listing (newest first) and time-range filters.
CREATE INDEX audit_events_by_time ON audit_events (occurred_at DESC, id DESC);

-- Serve "what did this user do" and "who did this", newest first.
CREATE INDEX audit_events_by_actor ON audit_events (actor_id, occurred_at DESC, id DESC);
CREATE INDEX audit_events_by_action ON audit_events (action, occurred_at DESC, id DESC);

-- Append-only in fact, not only by convention.
CREATE TRIGGER audit_events_are_never_changed BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
