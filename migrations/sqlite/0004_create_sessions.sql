-- Signed-in devices. Each holds the digest of its current refresh token; rotation replaces it in place.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    refresh_token_digest TEXT NOT NULL,
    user_agent TEXT,
    client_address TEXT,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    absolute_expires_at INTEGER NOT NULL,
    revoked_at INTEGER,
    revocation_reason TEXT
) STRICT;

-- Refresh looks sessions up by token digest; two sessions never share one.
CREATE UNIQUE INDEX sessions_by_refresh_token ON sessions (refresh_token_digest);

-- Serves a user's device list and "sign out everywhere".
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Digests that rotation replaced: a replayed old token points at its session, which is then revoked.
CREATE TABLE session_retired_tokens (
    digest TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    retired_at INTEGER NOT NULL
) STRICT;

-- Lets purging a session find (and cascade to) its retired digests without a scan.
CREATE INDEX session_retired_tokens_by_session ON session_retired_tokens (session_id);
