-- Full-text search over accounts for administrators: name and email (whose @ and dots separate words) in an
-- external-content FTS5 index kept by triggers, like examples_search.
CREATE VIRTUAL TABLE users_search USING fts5(
    name, email, content = 'users', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 0'
);

INSERT INTO users_search (users_search) VALUES ('rebuild');

CREATE TRIGGER users_search_after_insert AFTER INSERT ON users BEGIN
    INSERT INTO users_search (rowid, name, email) VALUES (new.rowid, new.name, new.email);
END;

CREATE TRIGGER users_search_after_delete AFTER DELETE ON users BEGIN
    INSERT INTO users_search (users_search, rowid, name, email) VALUES ('delete', old.rowid, old.name, old.email);
END;

CREATE TRIGGER users_search_after_update AFTER UPDATE OF name, email ON users BEGIN
    INSERT INTO users_search (users_search, rowid, name, email) VALUES ('delete', old.rowid, old.name, old.email);
    INSERT INTO users_search (rowid, name, email) VALUES (new.rowid, new.name, new.email);
END;
