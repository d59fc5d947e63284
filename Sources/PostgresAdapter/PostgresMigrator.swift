import Crypto
import Domain
import Foundation
import Logging
import PostgresNIO

/// Applies `migrations/postgres/NNNN_name.sql` files in order, each in its own transaction, recording version and
/// checksum; refuses to run when an applied file was edited or removed.
///
/// Each run holds an advisory lock on one connection from start to end, so migrators started together (several
/// instances deploying at once) take turns: the first applies the files, the others then find nothing pending. The
/// lock's key is fixed per schema (the schema that `search_path` makes current), so separate schemas do not wait on
/// each other.
public struct PostgresMigrator: Sendable {
    struct Migration {
        let version: Int
        let name: String
        let sql: String
        let checksum: String
    }

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
    public func status() async throws -> [PostgresMigrationStatus] {
        let files = try Self.load(directory)
        return try await withLockedConnection { connection in
            let applied = try await applied(connection)
            try Self.verify(files: files, applied: applied)
            return files.map { file in
                let record = applied[file.version]
                return PostgresMigrationStatus(
                    version: file.version, name: file.name, state: record == nil ? .pending : .applied, appliedAt: record?.appliedAt
                )
            }
        }
    }

    /// Applies every pending migration and returns the ones it applied.
    @discardableResult
    public func migrate() async throws -> [PostgresMigrationStatus] {
        let files = try Self.load(directory)
        return try await withLockedConnection { connection in
            let applied = try await applied(connection)
            try Self.verify(files: files, applied: applied)
            var done: [PostgresMigrationStatus] = []
            for file in files where applied[file.version] == nil {
                done.append(try await apply(file, on: connection))
            }
            return done
        }
    }

    private func apply(_ file: Migration, on connection: PostgresConnection) async throws -> PostgresMigrationStatus {
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
            throw PostgresMigrationError.failed(version: file.version, name: file.name, reason: PostgresFailure.summary(of: error))
        }
        logger.info("migration applied", metadata: ["version": "\(file.version)", "name": "\(file.name)"])
        return PostgresMigrationStatus(version: file.version, name: file.name, state: .applied, appliedAt: now)
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

    private struct AppliedRecord {
        let name: String
        let checksum: String
        let appliedAt: Date
    }

    private func applied(_ connection: PostgresConnection) async throws -> [Int: AppliedRecord] {
        let result = try await connection.query("SELECT version, name, checksum, applied_at FROM schema_migrations", logger: logger).get()
        var records: [Int: AppliedRecord] = [:]
        for row in result.rows {
            let (version, name, checksum, appliedAt) = try row.decode((Int, String, String, Timestamp).self)
            records[version] = AppliedRecord(name: name, checksum: checksum, appliedAt: appliedAt.date)
        }
        return records
    }

    private static func verify(files: [Migration], applied: [Int: AppliedRecord]) throws {
        let byVersion = Dictionary(uniqueKeysWithValues: files.map { ($0.version, $0) })
        for (version, record) in applied.sorted(by: { $0.key < $1.key }) {
            guard let file = byVersion[version] else { throw PostgresMigrationError.appliedFileMissing(version: version, name: record.name) }
            guard file.checksum == record.checksum else { throw PostgresMigrationError.modifiedAfterApply(version: version, name: file.name) }
        }
    }

    /// Reads the migration files, sorted by version: a handful of small files, read once per run.
    static func load(_ directory: String) throws -> [Migration] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw PostgresMigrationError.directoryMissing(directory)
        }
        var migrations: [Migration] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: directory).sorted() where file.hasSuffix(".sql") {
            let stem = file.dropLast(4)
            let parts = stem.split(separator: "_", maxSplits: 1)
            guard parts.count == 2, parts[0].count == 4, let version = Int(parts[0]), !parts[1].isEmpty else {
                throw PostgresMigrationError.badFileName(file)
            }
            guard !migrations.contains(where: { $0.version == version }) else { throw PostgresMigrationError.duplicateVersion(version) }
            let data = try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent(file))
            let checksum = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            migrations.append(Migration(version: version, name: String(parts[1]), sql: String(decoding: data, as: UTF8.self), checksum: checksum))
        }
        return migrations.sorted { $0.version < $1.version }
    }
}
