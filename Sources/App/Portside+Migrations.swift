import Foundation
import Logging
import SQLiteAdapter

/// A migration's state, for `portside migrate status`.
public struct MigrationReport: Sendable {
    public let version: Int
    public let name: String
    public let applied: Bool
    public let appliedAt: Date?
}

extension Portside {
    /// Applies pending migrations (`portside migrate`) and returns those it applied.
    public static func migrate(configuration: Configuration, logger: Logger) async throws -> [MigrationReport] {
        try await withMigrator(configuration, logger: logger) { try await $0.migrate() }
    }

    /// Lists every migration with its state (`portside migrate status`).
    public static func migrationStatus(configuration: Configuration, logger: Logger) async throws -> [MigrationReport] {
        try await withMigrator(configuration, logger: logger) { try await $0.status() }
    }

    /// Development and test serve migrate on start; production only checks that nothing is pending, since its
    /// migrations run as a separate step (`portside migrate`) before the new version takes traffic.
    static func prepareSchema(_ configuration: Configuration, database: SQLiteDatabase, logger: Logger) async throws {
        let migrator = SQLiteMigrator(database: database, directory: migrationsPath(configuration), logger: logger)
        if configuration.isProduction {
            let pending = try await migrator.status().filter { $0.state == .pending }
            guard pending.isEmpty else { throw PendingMigrationsError(versions: pending.map(\.version)) }
        } else {
            try await migrator.migrate()
        }
    }

    static func migrationsPath(_ configuration: Configuration) -> String {
        URL(fileURLWithPath: configuration.migrationsDirectory).appendingPathComponent("sqlite").path
    }

    private static func withMigrator(
        _ configuration: Configuration,
        logger: Logger,
        _ body: (SQLiteMigrator) async throws -> [MigrationStatus]
    ) async throws -> [MigrationReport] {
        guard case .sqlite(let path) = configuration.database else { return [] }
        let database = try await SQLiteDatabase.open(path: path, logger: logger)
        do {
            let result = try await body(SQLiteMigrator(database: database, directory: migrationsPath(configuration), logger: logger))
            await database.close()
            return result.map { MigrationReport(version: $0.version, name: $0.name, applied: $0.state == .applied, appliedAt: $0.appliedAt) }
        } catch {
            await database.close()
            throw error
        }
    }
}

/// Production refuses to serve a schema that is behind the code.
public struct PendingMigrationsError: Error, CustomStringConvertible {
    public let versions: [Int]

    public var description: String {
        "migrations \(versions.map(String.init).joined(separator: ", ")) are pending: run `portside migrate` first"
    }
}
