import Domain
import Foundation
import Migrations
import PostgresNIO
import TestSupport
import Testing

@testable import PostgresAdapter

@Suite struct PostgresMigratorTests {
    /// A migrations directory of its own, so tests can add, edit and remove files.
    struct Directory {
        let url: URL

        init() throws {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("portside-pg-migrations-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        }

        func write(_ name: String, _ sql: String) throws {
            try sql.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }

        func remove(_ name: String) throws {
            try FileManager.default.removeItem(at: url.appendingPathComponent(name))
        }

        func migrator(_ database: PostgresAdapter.PostgresDatabase) -> PostgresMigrator {
            PostgresMigrator(database: database, directory: url.path, logger: postgresLogger)
        }
    }

    @Test func appliesPendingFilesInOrderOnceAndReportsThem() async throws {
        let directory = try Directory()
        try directory.write("0002_add_index.sql", "CREATE INDEX things_name ON things (name);")
        try directory.write("0001_create_things.sql", "CREATE TABLE things (name text);")
        try await withPostgresSchema { database in
            let first = try await directory.migrator(database).migrate()
            let second = try await directory.migrator(database).migrate()
            let status = try await directory.migrator(database).status()

            #expect(first.map(\.version) == [1, 2])
            #expect(second.isEmpty)
            #expect(status.map(\.state) == [.applied, .applied])
            #expect(status.map(\.name) == ["create_things", "add_index"])
            #expect(status.allSatisfy { $0.appliedAt != nil })
        }
    }

    @Test func statusShowsPendingFilesWithoutApplyingThem() async throws {
        let directory = try Directory()
        try directory.write("0001_create_things.sql", "CREATE TABLE things (name text);")
        try await withPostgresSchema { database in
            try await directory.migrator(database).migrate()
            try directory.write("0002_create_more.sql", "CREATE TABLE more (name text);")

            let status = try await directory.migrator(database).status()

            #expect(status.map(\.state) == [.applied, .pending])
            #expect(status[1].appliedAt == nil)
            #expect(try await tableExists("more", in: database) == false)
        }
    }

    @Test func refusesToRunWhenAnAppliedFileWasEditedOrRemoved() async throws {
        let directory = try Directory()
        try directory.write("0001_create_things.sql", "CREATE TABLE things (name text);")
        try await withPostgresSchema { database in
            try await directory.migrator(database).migrate()
            try directory.write("0001_create_things.sql", "CREATE TABLE things (name text, extra text);")
            try directory.write("0002_create_more.sql", "CREATE TABLE more (name text);")

            await #expect(throws: MigrationError.modifiedAfterApply(version: 1, name: "create_things")) {
                try await directory.migrator(database).migrate()
            }
            await #expect(throws: MigrationError.modifiedAfterApply(version: 1, name: "create_things")) {
                try await directory.migrator(database).status()
            }
            #expect(try await tableExists("more", in: database) == false)

            try directory.remove("0001_create_things.sql")
            await #expect(throws: MigrationError.appliedFileMissing(version: 1, name: "create_things")) {
                try await directory.migrator(database).migrate()
            }
        }
    }

    @Test func aFailingMigrationLeavesNoPartialSchemaAndIsNotRecorded() async throws {
        let directory = try Directory()
        try directory.write("0001_create_things.sql", "CREATE TABLE things (name text);")
        try directory.write("0002_broken.sql", "CREATE TABLE half (name text);\nCREATE TABLE things (name text);")
        try await withPostgresSchema { database in
            await #expect {
                try await directory.migrator(database).migrate()
            } throws: { error in
                guard case MigrationError.failed(2, "broken", let reason) = error else { return false }
                return reason.contains("42P07")
            }
            let status = try await directory.migrator(database).status()
            try directory.write("0002_broken.sql", "CREATE TABLE half (name text);")
            let retried = try await directory.migrator(database).migrate()

            #expect(status.map(\.state) == [.applied, .pending])
            // `half` was rolled back with the failed file, so the corrected file can create it.
            #expect(retried.map(\.version) == [2])
        }
    }

    @Test func concurrentMigratorsOnOneSchemaApplyEachFileOnce() async throws {
        let directory = try Directory()
        // Neither file could be applied twice: a second CREATE TABLE fails, and the INSERT would count twice.
        try directory.write("0001_create_things.sql", "CREATE TABLE things (name text);\nCREATE TABLE runs (n integer);")
        try directory.write("0002_count_runs.sql", "INSERT INTO runs (n) VALUES (1);\nSELECT pg_sleep(0.2);")
        try directory.write("0003_create_more.sql", "CREATE TABLE more (name text);")
        try await withPostgresSchema { database in
            // Four instances deploying at once: each with a pool of its own, all on the same schema.
            let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await withSiblingDatabase(of: database) { sibling in try await directory.migrator(sibling).migrate().map(\.version) }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }

            #expect(applied.flatMap { $0 }.sorted() == [1, 2, 3])
            #expect(applied.filter { !$0.isEmpty }.count == 1)
            #expect(try await count("SELECT count(*) FROM runs", in: database) == 1)
            #expect(try await count("SELECT count(*) FROM schema_migrations", in: database) == 3)
        }
    }

    @Test func statementsWithCommentsStringsAndFunctionBodiesRunWhole() async throws {
        let directory = try Directory()
        try directory.write(
            "0001_tricky.sql",
            """
            -- A comment; with a semicolon.
            CREATE TABLE notes (body text DEFAULT 'semi;colon' /* a comment; nested /* twice; */ */);
            CREATE FUNCTION shout(text) RETURNS text LANGUAGE plpgsql AS $body$
            BEGIN
                RETURN upper($1) || ';';
            END;
            $body$;
            INSERT INTO notes (body) VALUES (E'it\\'s; fine'), (shout('hi'));
            """
        )
        try await withPostgresSchema { database in
            try await directory.migrator(database).migrate()
            #expect(try await count("SELECT count(*) FROM notes WHERE body IN ('it''s; fine', 'HI;')", in: database) == 2)
        }
    }

    @Test func scriptsSplitOnlyBetweenStatements() {
        let script = """
            -- leading; comment
            CREATE TABLE a (x text DEFAULT 'a;b', "odd;name" text);
            CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $fn$ SELECT 'x;' || $1; $fn$;
            /* block; /* nested; */ */ INSERT INTO a VALUES (E'q\\';', $$y;$$);
            ;
            """

        let statements = SQLScript.statements(in: script)

        #expect(statements.count == 3)
        #expect(statements.first?.hasSuffix(#""odd;name" text)"#) == true)
        #expect(statements.dropFirst().first?.hasSuffix("$fn$") == true)
        #expect(statements.last?.hasSuffix("$$y;$$)") == true)
    }

    @Test func theShippedMigrationsMirrorSQLitesAndApplyCleanly() async throws {
        let sqliteNames = try FileManager.default.contentsOfDirectory(atPath: packageRoot().appendingPathComponent("migrations/sqlite").path)
        let postgresNames = try FileManager.default.contentsOfDirectory(atPath: postgresMigrations)
        #expect(postgresNames.sorted() == sqliteNames.sorted())

        try await withMigratedPostgres { database in
            let status = try await PostgresMigrator(database: database, directory: postgresMigrations, logger: postgresLogger).status()

            let shipped = try shippedMigrations("postgres")
            #expect(status.map(\.name) == shipped.map(\.name))
            #expect(status.map(\.version) == shipped.map(\.version))
            #expect(status.allSatisfy { $0.state == .applied })
        }
    }

    @Test func auditEventsCannotBeChanged() async throws {
        try await withMigratedPostgres { database in
            try await database.auditLog.record(auditEvent(1, at: 1_000, actor: uuid(1)))

            await #expect(throws: PSQLError.self) {
                try await database.withConnection { connection in
                    _ = try await connection.query("UPDATE audit_events SET action = 'tampered'", logger: postgresLogger).get()
                }
            }
            let page = try await database.auditLog.list(filter: AuditFilter(), page: PageRequest(page: 1, limit: 10))
            #expect(page.items.map(\.action) == ["auth.login"])
        }
    }
}

/// A second pool on the same schema as `database`, as another instance of the service would have.
private func withSiblingDatabase<T: Sendable>(
    of database: PostgresAdapter.PostgresDatabase, _ body: (PostgresAdapter.PostgresDatabase) async throws -> T
) async throws -> T {
    let schema = try await database.withConnection { connection in
        try await connection.query("SELECT current_schema()", logger: postgresLogger).get().rows[0].decode(String.self)
    }
    let url = try #require(try PostgresTestServer.url())
    let sibling = PostgresAdapter.PostgresDatabase(url: url, schema: schema, poolSize: 1, queryTimeout: .seconds(30), logger: postgresLogger)
    return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
        group.addTask { try await sibling.run() }
        defer { group.cancelAll() }
        return try await body(sibling)
    }
}

private func tableExists(_ name: String, in database: PostgresAdapter.PostgresDatabase) async throws -> Bool {
    try await count("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = \(name)", in: database) == 1
}

private func count(_ query: PostgresQuery, in database: PostgresAdapter.PostgresDatabase) async throws -> Int {
    try await database.withConnection { connection in
        try await connection.query(query, logger: postgresLogger).get().rows[0].decode(Int.self)
    }
}
