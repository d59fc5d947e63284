-- Signed-in devices. Each holds the digest of its current refresh token; rotation replaces it in place.
CREATE TABLE sessions (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id),
    refresh_token_digest text NOT NULL,
    user_agent text,
    client_address text,
    created_at timestamptz NOT NULL,
    last_used_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    absolute_expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    revocation_reason text
);

-- Refresh looks sessions up by token digest; two sessions never share one.
CREATE UNIQUE INDEX sessions_by_refresh_token ON sessions (refresh_token_digest);

-- Serves a user's device list (most recently used first) and "sign out everywhere".
CREATE INDEX sessions_by_user ON sessions (user_id, last_used_at DESC, id DESC);

-- Serve purging ended sessions: expired ones, and revoked ones (few, hence partial).
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
CREATE INDEX sessions_by_revocation ON sessions (revoked_at) WHERE revoked_at IS NOT NULL;

-- Digests that rotation replaced: a replayed old token points at its session, which is then revoked.
CREATE TABLE session_retired_tokens (
    digest text PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    retired_at timestamptz NOT NULL
);

-- Lets purging a session find (and cascade to) its retired digests without a scan.
CREATE INDEX session_retired_tokens_by_session ON session_retired_tokens (session_id);
