import Foundation
import Logging
import Migrations
import PostgresAdapter
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
        switch configuration.database {
        case .postgres(let target): try await withPostgresMigrator(configuration, target, logger: logger) { try await $0.migrate() }
        case .sqlite: try await withSQLiteMigrator(configuration, logger: logger) { try await $0.migrate() }
        case .memory: []
        }
    }

    /// Lists every migration with its state (`portside migrate status`).
    public static func migrationStatus(configuration: Configuration, logger: Logger) async throws -> [MigrationReport] {
        switch configuration.database {
        case .postgres(let target): try await withPostgresMigrator(configuration, target, logger: logger) { try await $0.status() }
        case .sqlite: try await withSQLiteMigrator(configuration, logger: logger) { try await $0.status() }
        case .memory: []
        }
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

    /// The same rule for PostgreSQL, on a short-lived pool of its own (the serving pool starts with the service group).
    static func prepareSchema(_ configuration: Configuration, postgres target: Configuration.PostgresTarget, logger: Logger) async throws {
        if configuration.isProduction {
            let pending = try await withPostgresMigrator(configuration, target, logger: logger) { migrator in
                try await migrator.status().filter { $0.state == .pending }
            }
            guard pending.isEmpty else { throw PendingMigrationsError(versions: pending.map(\.version)) }
        } else {
            _ = try await withPostgresMigrator(configuration, target, logger: logger) { try await $0.migrate() }
        }
    }

    static func migrationsPath(_ configuration: Configuration, engine: String = "sqlite") -> String {
        URL(fileURLWithPath: configuration.migrationsDirectory).appendingPathComponent(engine).path
    }

    /// Opens a pool for the migrator alone, runs `body` while the pool runs, then closes it.
    private static func withPostgresMigrator(
        _ configuration: Configuration,
        _ target: Configuration.PostgresTarget,
        logger: Logger,
        _ body: @escaping @Sendable (PostgresMigrator) async throws -> [MigrationStatus]
    ) async throws -> [MigrationReport] {
        let database = PostgresDatabase(
            url: try PostgresURL(target.url.value), poolSize: 2, connectTimeout: configuration.databaseConnectTimeout,
            queryTimeout: .seconds(600), logger: logger
        )
        let migrator = PostgresMigrator(database: database, directory: migrationsPath(configuration, engine: "postgres"), logger: logger)
        let statuses = try await withThrowingTaskGroup(of: [MigrationStatus]?.self) { group in
            group.addTask {
                try await database.run()
                return nil
            }
            group.addTask { try await body(migrator) }
            defer { group.cancelAll() }
            while let finished = try await group.next() {
                if let statuses = finished { return statuses }
            }
            return []
        }
        return statuses.map { MigrationReport(version: $0.version, name: $0.name, applied: $0.state == .applied, appliedAt: $0.appliedAt) }
    }

    private static func withSQLiteMigrator(
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
