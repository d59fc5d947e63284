-- The append-only audit log. No foreign keys: a record of what happened must never be refused or changed
-- because of what happened later.
CREATE TABLE audit_events (
    id uuid PRIMARY KEY,
    occurred_at timestamptz NOT NULL,
    actor_id uuid,
    action text NOT NULL,
    target_id text,
    outcome text NOT NULL CHECK (outcome IN ('success', 'failure')),
    client_address text,
    user_agent text,
    request_id text,
    detail text
);

-- Serves the unfiltered listing (newest first) and time-range filters.
CREATE INDEX audit_events_by_time ON audit_events (occurred_at DESC, id DESC);

-- Serve "what did this user do" and "who did this", newest first.
CREATE INDEX audit_events_by_actor ON audit_events (actor_id, occurred_at DESC, id DESC);
CREATE INDEX audit_events_by_action ON audit_events (action, occurred_at DESC, id DESC);

-- Append-only in fact, not only by convention.
CREATE FUNCTION audit_events_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END;
$$;

CREATE TRIGGER audit_events_are_never_changed BEFORE UPDATE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_update();
