-- Full-text search over accounts for administrators: name (weight A) and email (B). PostgreSQL's parser keeps an
-- email address as one word; its @ and dots are turned into spaces first, so "ada" finds ada.lovelace@example.com
-- here as on SQLite.
ALTER TABLE users ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', name), 'A') || setweight(to_tsvector('simple', translate(email, '@.', '  ')), 'B')
) STORED;

CREATE INDEX users_search ON users USING gin (search_vector) WHERE deleted_at IS NULL;
