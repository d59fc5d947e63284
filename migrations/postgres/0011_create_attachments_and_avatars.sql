-- Files kept in object storage (STORAGE_URL) are described here; the bytes never are. A record is written only
-- after its object is stored, and its object is deleted (by a job) only after the record is gone.

-- Attachments of examples. Examples are deleted softly, and the use case deletes their attachments with them; the
-- foreign key removes the records too should an example row ever be deleted for good.
CREATE TABLE attachments (
    id uuid PRIMARY KEY,
    example_id uuid NOT NULL REFERENCES examples (id) ON DELETE CASCADE,
    object_key text NOT NULL UNIQUE,
    filename text NOT NULL,
    content_type text NOT NULL,
    size bigint NOT NULL CHECK (size >= 0),
    sha256 text NOT NULL,
    created_at timestamptz NOT NULL
);

-- Serves the listing of one example's attachments, oldest first.
CREATE INDEX attachments_by_example ON attachments (example_id, created_at, id);

-- A user's picture: the key of its object and what the object is, all NULL when there is none.
ALTER TABLE users
    ADD COLUMN avatar_key text,
    ADD COLUMN avatar_content_type text,
    ADD COLUMN avatar_size bigint,
    ADD COLUMN avatar_sha256 text,
    ADD COLUMN avatar_updated_at timestamptz;

-- Serves the orphan sweep's "does a user refer to this object".
CREATE INDEX users_by_avatar_key ON users (avatar_key) WHERE avatar_key IS NOT NULL;
