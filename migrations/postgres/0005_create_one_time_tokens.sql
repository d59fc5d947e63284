-- Single-use links sent by email (verification, password reset), kept only as the digest of the token.
CREATE TABLE one_time_tokens (
    digest text PRIMARY KEY,
    purpose text NOT NULL,
    user_id uuid NOT NULL REFERENCES users (id),
    email text NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at timestamptz
);

-- Serves invalidating a user's earlier links when a new one is sent (only unused ones are touched).
CREATE INDEX one_time_tokens_by_user_purpose ON one_time_tokens (user_id, purpose) WHERE used_at IS NULL;

-- Serves purging expired links.
CREATE INDEX one_time_tokens_by_expiry ON one_time_tokens (expires_at);
