-- Files kept in object storage (STORAGE_URL) are described here; the bytes never are. A record is written only
-- after its object is stored, and its object is deleted (by a job) only after the record is gone.

-- Attachments of examples. Examples are deleted softly, and the use case deletes their attachments with them; the
-- foreign key removes the records too should an example row ever be deleted for good.
CREATE TABLE attachments (
    id TEXT PRIMARY KEY NOT NULL,
    example_id TEXT NOT NULL REFERENCES examples (id) ON DELETE CASCADE,
    object_key TEXT NOT NULL UNIQUE,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL CHECK (size >= 0),
    sha256 TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

-- Serves the listing of one example's attachments, oldest first.
CREATE INDEX attachments_by_example ON attachments (example_id, created_at, id);

-- A user's picture: the key of its object and what the object is, all NULL when there is none.
ALTER TABLE users ADD COLUMN avatar_key TEXT;
ALTER TABLE users ADD COLUMN avatar_content_type TEXT;
ALTER TABLE users ADD COLUMN avatar_size INTEGER;
ALTER TABLE users ADD COLUMN avatar_sha256 TEXT;
ALTER TABLE users ADD COLUMN avatar_updated_at INTEGER;

-- Serves the orphan sweep's "does a user refer to this object".
CREATE INDEX users_by_avatar_key ON users (avatar_key) WHERE avatar_key IS NOT NULL;
