import Crypto
import Foundation
import Logging

/// One migration file and whether it has been applied.
public struct MigrationStatus: Sendable, Equatable {
    public enum State: String, Sendable {
        case applied, pending
    }

    public let version: Int
    public let name: String
    public let state: State
    public let appliedAt: Date?
}

/// Why migrations cannot run. Each message names the file concerned.
public enum MigrationError: Error, CustomStringConvertible, Equatable {
    case directoryMissing(String)
    case badFileName(String)
    case duplicateVersion(Int)
    case modifiedAfterApply(version: Int, name: String)
    case appliedFileMissing(version: Int, name: String)
    case failed(version: Int, name: String, reason: String)

    public var description: String {
        switch self {
        case .directoryMissing(let path): "migrations directory \(path) does not exist"
        case .badFileName(let file): "migration file \(file) is not named NNNN_name.sql"
        case .duplicateVersion(let version): "two migration files have version \(version)"
        case .modifiedAfterApply(let version, let name):
            "migration \(version) (\(name)) was edited after it was applied; add a new migration instead"
        case .appliedFileMissing(let version, let name): "applied migration \(version) (\(name)) has no file any more"
        case .failed(let version, let name, let reason): "migration \(version) (\(name)) failed: \(reason)"
        }
    }
}

/// Applies `migrations/sqlite/NNNN_name.sql` files in order, each in its own transaction, recording version and
/// checksum; refuses to run when an applied file was edited or removed.
public struct SQLiteMigrator: Sendable {
    struct Migration {
        let version: Int
        let name: String
        let sql: String
        let checksum: String
    }

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
            let files = try await writer.threadPool.runIfActive { [directory] in try Self.load(directory) }
            let applied = try await Self.applied(writer)
            try Self.verify(files: files, applied: applied)
            return files.map { file in
                let record = applied[file.version]
                return MigrationStatus(
                    version: file.version,
                    name: file.name,
                    state: record == nil ? .pending : .applied,
                    appliedAt: record?.appliedAt
                )
            }
        }
    }

    /// Applies every pending migration and returns the ones it applied.
    @discardableResult
    public func migrate() async throws -> [MigrationStatus] {
        try await database.withWriter { writer in
            try await Self.createBookkeeping(writer)
            let files = try await writer.threadPool.runIfActive { [directory] in try Self.load(directory) }
            try Self.verify(files: files, applied: try await Self.applied(writer))
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

    private struct AppliedRecord {
        let name: String
        let checksum: String
        let appliedAt: Date
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

    private static func applied(_ writer: WriterExecutor) async throws -> [Int: AppliedRecord] {
        let rows = try await writer.query("SELECT version, name, checksum, applied_at FROM schema_migrations", [])
        var records: [Int: AppliedRecord] = [:]
        for row in rows {
            records[Int(try row.int64(0))] = AppliedRecord(name: try row.string(1), checksum: try row.string(2), appliedAt: try row.date(3))
        }
        return records
    }

    private static func verify(files: [Migration], applied: [Int: AppliedRecord]) throws {
        let byVersion = Dictionary(uniqueKeysWithValues: files.map { ($0.version, $0) })
        for (version, record) in applied.sorted(by: { $0.key < $1.key }) {
            guard let file = byVersion[version] else { throw MigrationError.appliedFileMissing(version: version, name: record.name) }
            guard file.checksum == record.checksum else { throw MigrationError.modifiedAfterApply(version: version, name: file.name) }
        }
    }

    /// Reads the migration files, sorted by version. Blocking: runs on the database's thread pool.
    static func load(_ directory: String) throws -> [Migration] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw MigrationError.directoryMissing(directory)
        }
        var migrations: [Migration] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: directory).sorted() where file.hasSuffix(".sql") {
            let stem = file.dropLast(4)
            let parts = stem.split(separator: "_", maxSplits: 1)
            guard parts.count == 2, parts[0].count == 4, let version = Int(parts[0]), !parts[1].isEmpty else {
                throw MigrationError.badFileName(file)
            }
            guard !migrations.contains(where: { $0.version == version }) else { throw MigrationError.duplicateVersion(version) }
            let data = try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent(file))
            let checksum = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            migrations.append(Migration(version: version, name: String(parts[1]), sql: String(decoding: data, as: UTF8.self), checksum: checksum))
        }
        return migrations.sorted { $0.version < $1.version }
    }
}
