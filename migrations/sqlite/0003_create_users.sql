-- Accounts. Deleted rows are kept (deleted_at) and never returned; their email is free for a new account.
-- Emails arrive normalised (trimmed, lower-cased) from the domain. The role is checked when a row is read, so a
-- new role needs no table rebuild.
CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    pending_email TEXT,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    email_verified_at INTEGER,
    is_active INTEGER NOT NULL CHECK (is_active IN (0, 1)),
    failed_login_attempts INTEGER NOT NULL,
    locked_until INTEGER,
    password_changed_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    deleted_at INTEGER
) STRICT;

-- One live account per email: concurrent registrations of one address cannot both succeed.
CREATE UNIQUE INDEX users_live_email ON users (email) WHERE deleted_at IS NULL;

-- Serves the default listing (live rows, newest first) and its count.
CREATE INDEX users_live_by_created ON users (created_at DESC, id DESC) WHERE deleted_at IS NULL;
