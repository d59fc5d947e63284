import Domain
import Foundation
import Logging
import Migrations
import PostgresNIO

/// Applies `migrations/postgres/NNNN_name.sql` files in order, each in its own transaction, recording version and
/// checksum; refuses to run when an applied file was edited or removed.
///
/// Each run holds an advisory lock on one connection from start to end, so migrators started together (several
/// instances deploying at once) take turns: the first applies the files, the others then find nothing pending. The
/// lock's key is fixed per schema (the schema that `search_path` makes current), so separate schemas do not wait on
/// each other.
public struct PostgresMigrator: Sendable {
    /// The advisory lock's first key ("PTMG"); the second is the hash of the current schema's name.
    static let lockNamespace: Int32 = 0x5054_4D47

    private let database: PostgresDatabase
    private let directory: String
    private let logger: Logger

    public init(database: PostgresDatabase, directory: String, logger: Logger) {
        self.database = database
        self.directory = directory
        self.logger = logger
    }

    /// Every known migration with its state, after checking that applied files are unchanged.
    public func status() async throws -> [MigrationStatus] {
        let files = try MigrationFile.load(directory)
        return try await withLockedConnection { connection in
            let applied = try await applied(connection)
            try files.verify(against: applied)
            return files.statuses(applied: applied)
        }
    }

    /// Applies every pending migration and returns the ones it applied.
    @discardableResult
    public func migrate() async throws -> [MigrationStatus] {
        let files = try MigrationFile.load(directory)
        return try await withLockedConnection { connection in
            let applied = try await applied(connection)
            try files.verify(against: applied)
            var done: [MigrationStatus] = []
            for file in files where applied[file.version] == nil {
                done.append(try await apply(file, on: connection))
            }
            return done
        }
    }

    private func apply(_ file: MigrationFile, on connection: PostgresConnection) async throws -> MigrationStatus {
        let now = Date().truncatedToMilliseconds
        do {
            _ = try await connection.query("BEGIN", logger: logger).get()
            for statement in SQLScript.statements(in: file.sql) {
                // The file's own SQL: trusted text from the repository, with no values in it.
                _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger).get()
            }
            _ = try await connection.query(
                "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (\(file.version), \(file.name), \(file.checksum), \(time: now))",
                logger: logger
            ).get()
            _ = try await connection.query("COMMIT", logger: logger).get()
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger).get()
            guard !PostgresFailure.isUnavailable(error) else { throw error }
            throw MigrationError.failed(version: file.version, name: file.name, reason: PostgresFailure.summary(of: error))
        }
        logger.info("migration applied", metadata: ["version": "\(file.version)", "name": "\(file.name)"])
        return MigrationStatus(version: file.version, name: file.name, state: .applied, appliedAt: now)
    }

    /// Runs `body` on one connection that holds the migration lock, with no statement timeout (an index on a big table
    /// takes what it takes); both are undone before the connection goes back to the pool.
    private func withLockedConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await PostgresFailure.translating(logger: logger) {
            try await database.withConnection { connection in
                _ = try await connection.query("SET statement_timeout = 0", logger: logger).get()
                do {
                    _ = try await connection.query(
                        "SELECT pg_advisory_lock(\(Self.lockNamespace), hashtext(coalesce(current_schema(), '')))", logger: logger
                    ).get()
                    try await createBookkeeping(connection)
                    let result = try await body(connection)
                    try await release(connection)
                    return result
                } catch {
                    try? await release(connection)
                    throw error
                }
            }
        }
    }

    private func release(_ connection: PostgresConnection) async throws {
        _ = try await connection.query("SELECT pg_advisory_unlock(\(Self.lockNamespace), hashtext(coalesce(current_schema(), '')))", logger: logger)
            .get()
        _ = try await connection.query("RESET statement_timeout", logger: logger).get()
    }

    private func createBookkeeping(_ connection: PostgresConnection) async throws {
        _ = try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL
            )
            """,
            logger: logger
        ).get()
    }

    private func applied(_ connection: PostgresConnection) async throws -> [Int: AppliedMigration] {
        let result = try await connection.query("SELECT version, name, checksum, applied_at FROM schema_migrations", logger: logger).get()
        var records: [Int: AppliedMigration] = [:]
        for row in result.rows {
            let (version, name, checksum, appliedAt) = try row.decode((Int, String, String, Timestamp).self)
            records[version] = AppliedMigration(name: name, checksum: checksum, appliedAt: appliedAt.date)
        }
        return records
    }
}
