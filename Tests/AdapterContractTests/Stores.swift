import Domain
import Foundation
import Logging
import MemoryAdapters
import PostgresAdapter
import SQLiteAdapter
import TestSupport

/// Every adapter of the persistence ports. Each contract test runs once per case, on a fresh, empty store.
enum StoreKind: String, CaseIterable, CustomStringConvertible, Sendable {
    case memory, sqlite, postgres

    var description: String { rawValue }
}

/// One engine's repositories and unit of work: `store.users` and the like read `repositories`.
@dynamicMemberLookup
struct Store: Sendable {
    let repositories: Repositories
    let unitOfWork: any UnitOfWork

    subscript<Repository>(dynamicMember keyPath: KeyPath<Repositories, Repository>) -> Repository {
        repositories[keyPath: keyPath]
    }
}

/// Builds a fresh store of `kind` (SQLite: a new file, migrated; PostgreSQL: a new schema, migrated), runs `body`,
/// and closes it.
func withStore(_ kind: StoreKind, _ body: (Store) async throws -> Void) async throws {
    switch kind {
    case .memory:
        let database = MemoryDatabase()
        try await body(Store(repositories: database.repositories, unitOfWork: database))
    case .sqlite:
        let database = try await openMigratedSQLite()
        do {
            try await body(Store(repositories: database.repositories, unitOfWork: database))
            await database.close()
        } catch {
            await database.close()
            throw error
        }
    case .postgres:
        try await withMigratedPostgres { database in
            try await body(Store(repositories: database.repositories, unitOfWork: database))
        }
    }
}

let testLogger = Logger(label: "portside-tests")

/// The migrations this checkout ships for `engine` (`migrations/ENGINE/NNNN_name.sql`), in order.
func shippedMigrations(_ engine: String) throws -> [(version: Int, name: String)] {
    let directory = packageRoot().appendingPathComponent("migrations/\(engine)")
    return try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".sql") }.sorted().compactMap { file in
        let stem = file.dropLast(4)
        guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]) else { return nil }
        return (version, String(stem[stem.index(after: underscore)...]))
    }
}

func openMigratedSQLite(path: String = temporaryDatabasePath()) async throws -> SQLiteDatabase {
    let database = try await SQLiteDatabase.open(path: path, logger: testLogger)
    let directory = packageRoot().appendingPathComponent("migrations/sqlite").path
    try await SQLiteMigrator(database: database, directory: directory, logger: testLogger).migrate()
    return database
}

/// Id number `number`: 00000000-0000-7000-8000-000000000001 and so on, increasing with the number.
func uuid(_ number: Int) -> UUID {
    UUID(uuidString: String(format: "00000000-0000-7000-8000-%012x", number))!
}

/// The instant `millisecond` milliseconds after 1970: every stored time has millisecond precision.
func ms(_ millisecond: Int64) -> Date {
    Date(millisecondsSince1970: millisecond)
}
