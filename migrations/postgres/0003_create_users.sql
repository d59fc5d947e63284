-- Accounts. Deleted rows are kept (deleted_at) and never returned; their email is free for a new account.
-- Emails arrive normalised (trimmed, lower-cased) from the domain. The role is checked when a row is read, so a
-- new role needs no change here.
CREATE TABLE users (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    email text NOT NULL,
    pending_email text,
    role text NOT NULL,
    password_hash text NOT NULL,
    email_verified_at timestamptz,
    is_active boolean NOT NULL,
    failed_login_attempts integer NOT NULL,
    locked_until timestamptz,
    password_changed_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    deleted_at timestamptz
);

-- One live account per email, whatever its case: concurrent registrations of one address cannot both succeed.
-- Lookups by email use it too (lower(email) = lower($1)).
CREATE UNIQUE INDEX users_live_email ON users (lower(email)) WHERE deleted_at IS NULL;

-- Serves the default listing (live rows, newest first), its count, and searches walked in that order.
CREATE INDEX users_live_by_created ON users (created_at DESC, id DESC) WHERE deleted_at IS NULL;

-- Serves the listing of one role (administrators are few), newest first.
CREATE INDEX users_live_by_role ON users (role, created_at DESC, id DESC) WHERE deleted_at IS NULL;
