import Crypto
import Foundation

/// One migration file and whether it has been applied.
public struct MigrationStatus: Sendable, Equatable {
    public enum State: String, Sendable {
        case applied, pending
    }

    public let version: Int
    public let name: String
    public let state: State
    public let appliedAt: Date?

    public init(version: Int, name: String, state: State, appliedAt: Date?) {
        self.version = version
        self.name = name
        self.state = state
        self.appliedAt = appliedAt
    }
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

/// A migration file, `NNNN_name.sql`, with the SHA-256 of its bytes: what both database adapters apply and record.
public struct MigrationFile: Sendable {
    public let version: Int
    public let name: String
    public let sql: String
    public let checksum: String

    /// Reads the migration files of `directory`, sorted by version. Blocking: a handful of small files, read once
    /// per run (the SQLite adapter reads them on its thread pool).
    public static func load(_ directory: String) throws -> [MigrationFile] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw MigrationError.directoryMissing(directory)
        }
        var migrations: [MigrationFile] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: directory).sorted() where file.hasSuffix(".sql") {
            let stem = file.dropLast(4)
            let parts = stem.split(separator: "_", maxSplits: 1)
            guard parts.count == 2, parts[0].count == 4, let version = Int(parts[0]), !parts[1].isEmpty else {
                throw MigrationError.badFileName(file)
            }
            guard !migrations.contains(where: { $0.version == version }) else { throw MigrationError.duplicateVersion(version) }
            let data = try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent(file))
            let checksum = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            migrations.append(
                MigrationFile(version: version, name: String(parts[1]), sql: String(decoding: data, as: UTF8.self), checksum: checksum))
        }
        return migrations.sorted { $0.version < $1.version }
    }
}

/// A migration as the database recorded it when applying it.
public struct AppliedMigration: Sendable {
    public let name: String
    public let checksum: String
    public let appliedAt: Date

    public init(name: String, checksum: String, appliedAt: Date) {
        self.name = name
        self.checksum = checksum
        self.appliedAt = appliedAt
    }
}

extension Array where Element == MigrationFile {
    /// Throws when an applied migration's file was edited or removed since.
    public func verify(against applied: [Int: AppliedMigration]) throws {
        let byVersion = Dictionary(uniqueKeysWithValues: map { ($0.version, $0) })
        for (version, record) in applied.sorted(by: { $0.key < $1.key }) {
            guard let file = byVersion[version] else { throw MigrationError.appliedFileMissing(version: version, name: record.name) }
            guard file.checksum == record.checksum else { throw MigrationError.modifiedAfterApply(version: version, name: file.name) }
        }
    }

    /// Every file with its state in `applied`.
    public func statuses(applied: [Int: AppliedMigration]) -> [MigrationStatus] {
        map { file in
            let record = applied[file.version]
            return MigrationStatus(version: file.version, name: file.name, state: record == nil ? .pending : .applied, appliedAt: record?.appliedAt)
        }
    }
}
