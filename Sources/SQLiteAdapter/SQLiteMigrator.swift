import Foundation
import Logging
import Migrations

/// Applies `migrations/sqlite/NNNN_name.sql` files in order, each in its own transaction, recording version and
/// checksum; refuses to run when an applied file was edited or removed.
public struct SQLiteMigrator: Sendable {
    private let database: SQLiteDatabase
    private let directory: String
    private let logger: Logger

    public init(database: SQLiteDatabase, directory: String, logger: Logger) {
        self.database = database
        self.directory = directory
        self.logger = logger
    }

    /// Every known migration with its state, after checking that applied files are unchanged.
    public func status() async throws -> [MigrationStatus] {
        try await database.withWriter { writer in
            try await Self.createBookkeeping(writer)
            let files = try await writer.threadPool.runIfActive { [directory] in try MigrationFile.load(directory) }
            let applied = try await Self.applied(writer)
            try files.verify(against: applied)
            return files.statuses(applied: applied)
        }
    }

    /// Applies every pending migration and returns the ones it applied.
    @discardableResult
    public func migrate() async throws -> [MigrationStatus] {
        try await database.withWriter { writer in
            try await Self.createBookkeeping(writer)
            let files = try await writer.threadPool.runIfActive { [directory] in try MigrationFile.load(directory) }
            try files.verify(against: try await Self.applied(writer))
            var done: [MigrationStatus] = []
            for file in files {
                try await writer.execute("BEGIN IMMEDIATE", [])
                do {
                    // Checked again inside the transaction: another process may have applied it meanwhile.
                    let already = try await writer.query("SELECT 1 FROM schema_migrations WHERE version = ?", [.integer(Int64(file.version))])
                    guard already.isEmpty else {
                        try await writer.end("COMMIT")
                        continue
                    }
                    try await writer.executeScript(file.sql)
                    let now = Date()
                    try await writer.execute(
                        "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
                        [.integer(Int64(file.version)), .text(file.name), .text(file.checksum), .date(now)]
                    )
                    try await writer.end("COMMIT")
                    logger.info("migration applied", metadata: ["version": "\(file.version)", "name": "\(file.name)"])
                    done.append(MigrationStatus(version: file.version, name: file.name, state: .applied, appliedAt: now))
                } catch {
                    try? await writer.end("ROLLBACK")
                    throw MigrationError.failed(version: file.version, name: file.name, reason: "\(error)")
                }
            }
            return done
        }
    }

    private static func createBookkeeping(_ writer: WriterExecutor) async throws {
        try await writer.executeScript(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY NOT NULL,
                name TEXT NOT NULL,
                checksum TEXT NOT NULL,
                applied_at INTEGER NOT NULL
            ) STRICT;
            """
        )
    }

    private static func applied(_ writer: WriterExecutor) async throws -> [Int: AppliedMigration] {
        let rows = try await writer.query("SELECT version, name, checksum, applied_at FROM schema_migrations", [])
        var records: [Int: AppliedMigration] = [:]
        for row in rows {
            records[Int(try row.int64(0))] = AppliedMigration(name: try row.string(1), checksum: try row.string(2), appliedAt: try row.date(3))
        }
        return records
    }
}
