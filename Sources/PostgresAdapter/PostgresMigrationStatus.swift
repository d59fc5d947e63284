import Foundation

/// One migration file and whether it has been applied. The same shape as the SQLite adapter's `MigrationStatus`
/// (adapters do not import each other; both could move to a migrator port in Domain).
public struct PostgresMigrationStatus: Sendable, Equatable {
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
public enum PostgresMigrationError: Error, CustomStringConvertible, Equatable {
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
