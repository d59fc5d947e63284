-- Full-text search over examples: an FTS5 index of name and description that reads its text from the examples
-- table itself (external content: nothing is stored twice), kept in step by triggers inside every write's own
-- transaction. Words are runs of letters and digits, compared without case; accents count.
CREATE VIRTUAL TABLE examples_search USING fts5(
    name, description, content = 'examples', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 0'
);

INSERT INTO examples_search (examples_search) VALUES ('rebuild');

CREATE TRIGGER examples_search_after_insert AFTER INSERT ON examples BEGIN
    INSERT INTO examples_search (rowid, name, description) VALUES (new.rowid, new.name, new.description);
END;

CREATE TRIGGER examples_search_after_delete AFTER DELETE ON examples BEGIN
    INSERT INTO examples_search (examples_search, rowid, name, description) VALUES ('delete', old.rowid, old.name, old.description);
END;

CREATE TRIGGER examples_search_after_update AFTER UPDATE OF name, description ON examples BEGIN
    INSERT INTO examples_search (examples_search, rowid, name, description) VALUES ('delete', old.rowid, old.name, old.description);
    INSERT INTO examples_search (rowid, name, description) VALUES (new.rowid, new.name, new.description);
END;
