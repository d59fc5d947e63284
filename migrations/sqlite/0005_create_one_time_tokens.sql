-- Single-use links sent by email (verification, password reset), kept only as the digest of the token.
CREATE TABLE one_time_tokens (
    digest TEXT PRIMARY KEY NOT NULL,
    purpose TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    email TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
) STRICT;

-- Serves invalidating a user's earlier links when a new one is sent.
CREATE INDEX one_time_tokens_by_user_purpose ON one_time_tokens (user_id, purpose);
