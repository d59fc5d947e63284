-- Full-text search over examples: a generated tsvector (name weighted A, description B) that PostgreSQL keeps in
-- step with every write, and a GIN index over live rows. The 'simple' configuration lowercases words and does not
-- stem or drop stop words, so a query means the same here as on SQLite.
ALTER TABLE examples ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', name), 'A') || setweight(to_tsvector('simple', coalesce(description, '')), 'B')
) STORED;

CREATE INDEX examples_search ON examples USING gin (search_vector) WHERE deleted_at IS NULL;
