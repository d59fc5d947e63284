import Foundation
import Migrations
import SQLiteAdapter
import TestSupport
import Testing

@Suite struct SQLiteMigratorTests {
    /// A migrations directory of its own, so tests can add, edit and remove files.
    final class Fixture: Sendable {
        let directory: URL
        let databasePath = temporaryDatabasePath()

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("portside-migrations-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }

        func write(_ name: String, _ sql: String) throws {
            try sql.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }

        func remove(_ name: String) throws {
            try FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }

        func withMigrator<T: Sendable>(_ body: (SQLiteMigrator, SQLiteDatabase) async throws -> T) async throws -> T {
            let database = try await SQLiteDatabase.open(path: databasePath, logger: testLogger)
            do {
                let result = try await body(SQLiteMigrator(database: database, directory: directory.path, logger: testLogger), database)
                await database.close()
                return result
            } catch {
                await database.close()
                throw error
            }
        }
    }

    @Test func appliesPendingFilesInOrderOnce() async throws {
        let fixture = try Fixture()
        try fixture.write("0002_add_index.sql", "CREATE INDEX things_name ON things (name);")
        try fixture.write("0001_create_things.sql", "CREATE TABLE things (name TEXT);")

        let first = try await fixture.withMigrator { migrator, _ in try await migrator.migrate() }
        let second = try await fixture.withMigrator { migrator, _ in try await migrator.migrate() }
        let status = try await fixture.withMigrator { migrator, _ in try await migrator.status() }

        #expect(first.map(\.version) == [1, 2])
        #expect(second.isEmpty)
        #expect(status.map(\.state) == [.applied, .applied])
        #expect(status.map(\.name) == ["create_things", "add_index"])
    }

    @Test func statusShowsPendingFilesWithoutApplyingThem() async throws {
        let fixture = try Fixture()
        try fixture.write("0001_create_things.sql", "CREATE TABLE things (name TEXT);")
        _ = try await fixture.withMigrator { migrator, _ in try await migrator.migrate() }
        try fixture.write("0002_create_more.sql", "CREATE TABLE more (name TEXT);")

        let status = try await fixture.withMigrator { migrator, _ in try await migrator.status() }

        #expect(status.map(\.state) == [.applied, .pending])
        #expect(status[1].appliedAt == nil)
    }

    @Test func refusesToRunWhenAnAppliedFileWasEdited() async throws {
        let fixture = try Fixture()
        try fixture.write("0001_create_things.sql", "CREATE TABLE things (name TEXT);")
        _ = try await fixture.withMigrator { migrator, _ in try await migrator.migrate() }
        try fixture.write("0001_create_things.sql", "CREATE TABLE things (name TEXT, extra TEXT);")
        try fixture.write("0002_create_more.sql", "CREATE TABLE more (name TEXT);")

        await #expect(throws: MigrationError.modifiedAfterApply(version: 1, name: "create_things")) {
            try await fixture.withMigrator { migrator, _ in try await migrator.migrate() }
        }
        await #expect(throws: MigrationError.modifiedAfterApply(version: 1, name: "create_things")) {
            try await fixture.withMigrator { migrator, _ in try await migrator.status() }
        }
    }

    @Test func refusesToRunWhenAnAppliedFileIsGone() async throws {
        let fixture = try Fixture()
        try fixture.write("0001_create_things.sql", "CREATE TABLE things (name TEXT);")
        _ = try await fixture.withMigrator { migrator, _ in try await migrator.migrate() }
        try fixture.remove("0001_create_things.sql")

        await #expect(throws: MigrationError.appliedFileMissing(version: 1, name: "create_things")) {
            try await fixture.withMigrator { migrator, _ in try await migrator.migrate() }
        }
    }

    @Test func aFailingMigrationLeavesNoPartialSchemaAndIsNotRecorded() async throws {
        let fixture = try Fixture()
        try fixture.write("0001_create_things.sql", "CREATE TABLE things (name TEXT);")
        try fixture.write("0002_broken.sql", "CREATE TABLE half (name TEXT); CREATE TABLE things (name TEXT);")

        await #expect(throws: MigrationError.self) {
            try await fixture.withMigrator { migrator, _ in try await migrator.migrate() }
        }
        let status = try await fixture.withMigrator { migrator, _ in try await migrator.status() }
        try fixture.write("0002_broken.sql", "CREATE TABLE half (name TEXT);")
        let retried = try await fixture.withMigrator { migrator, _ in try await migrator.migrate() }

        #expect(status.map(\.state) == [.applied, .pending])
        // `half` was rolled back with the failed file, so the corrected file can create it.
        #expect(retried.map(\.version) == [2])
    }

    @Test(arguments: ["1_short.sql", "0001.sql", "abcd_name.sql", "0001_.sql"])
    func rejectsBadFileNames(name: String) async throws {
        let fixture = try Fixture()
        try fixture.write(name, "SELECT 1;")
        await #expect(throws: MigrationError.badFileName(name)) {
            try await fixture.withMigrator { migrator, _ in try await migrator.migrate() }
        }
    }

    @Test func rejectsTwoFilesWithOneVersion() async throws {
        let fixture = try Fixture()
        try fixture.write("0001_one.sql", "SELECT 1;")
        try fixture.write("0001_other.sql", "SELECT 1;")
        await #expect(throws: MigrationError.duplicateVersion(1)) {
            try await fixture.withMigrator { migrator, _ in try await migrator.migrate() }
        }
    }

    @Test func concurrentMigratorsApplyEachFileOnce() async throws {
        let fixture = try Fixture()
        try fixture.write("0001_create_things.sql", "CREATE TABLE things (name TEXT);")
        try fixture.write("0002_create_more.sql", "CREATE TABLE more (name TEXT);")

        let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<4 {
                group.addTask { try await fixture.withMigrator { migrator, _ in try await migrator.migrate().map(\.version) } }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }

        #expect(applied.sorted() == [1, 2])
    }

    @Test func theShippedMigrationsApplyCleanly() async throws {
        let database = try await openMigratedSQLite()
        let directory = packageRoot().appendingPathComponent("migrations/sqlite").path
        let status = try await SQLiteMigrator(database: database, directory: directory, logger: testLogger).status()
        await database.close()

        let shipped = try shippedMigrations("sqlite")
        #expect(status.map(\.name) == shipped.map(\.name))
        #expect(status.map(\.version) == shipped.map(\.version))
        #expect(status.allSatisfy { $0.state == .applied })
    }

    @Test func bothEnginesShipTheSameMigrationsInTheSameOrder() throws {
        let sqlite = try shippedMigrations("sqlite")
        let postgres = try shippedMigrations("postgres")
        #expect(!sqlite.isEmpty)
        #expect(sqlite.map(\.version) == Array(1...sqlite.count), "numbered 1, 2, 3... without gaps")
        #expect(sqlite.map(\.version) == postgres.map(\.version))
        #expect(sqlite.map(\.name) == postgres.map(\.name))
    }
}
