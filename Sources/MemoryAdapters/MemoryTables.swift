import Domain
import Foundation

/// A user as the memory adapter keeps it: deleted ones stay, marked.
struct UserRecord: Sendable {
    var user: User
    var deletedAt: Date?
}

/// A refresh-token digest that rotation replaced, and the session that held it.
struct RetiredTokenRecord: Sendable {
    let sessionID: UUID
    let retiredAt: Date
}

/// Every table of the in-memory database, as one value so a transaction can work on a copy.
struct MemoryTables: Sendable {
    var examples: [UUID: ExampleRecord] = [:]
    var users: [UUID: UserRecord] = [:]
    var sessions: [UUID: Session] = [:]
    /// Keyed by the retired digest.
    var retiredTokens: [String: RetiredTokenRecord] = [:]
    /// Keyed by digest.
    var oneTimeTokens: [String: OneTimeToken] = [:]
    var auditEvents: [AuditEvent] = []
    /// Outbox requests and when each was added.
    var outbox: [(request: JobRequest, addedAt: Date)] = []
    var attachments: [UUID: Attachment] = [:]
}

/// Holds one version of the tables: the committed one, or a transaction's private copy.
actor MemoryCell {
    private(set) var tables: MemoryTables

    init(_ tables: MemoryTables) {
        self.tables = tables
    }

    func withTables<T: Sendable>(_ body: @Sendable (inout MemoryTables) throws -> T) rethrows -> T {
        try body(&tables)
    }

    func replace(with tables: MemoryTables) {
        self.tables = tables
    }
}

/// What a memory repository works on: the committed tables with the database's write lock, or a transaction's copy
/// (whose transaction already holds the lock).
struct MemoryTableAccess: Sendable {
    let cell: MemoryCell
    /// Held for single writes outside a transaction; nil inside one.
    let writeLock: AsyncLock?

    func read<T: Sendable>(_ body: @escaping @Sendable (MemoryTables) -> T) async -> T {
        await cell.withTables { tables in body(tables) }
    }

    /// Changes the tables in one actor step. Outside a transaction the write lock is taken first: a transaction
    /// publishes its copy when it ends, and would otherwise drop a write made meanwhile.
    func write<T: Sendable>(_ body: @escaping @Sendable (inout MemoryTables) throws -> T) async throws -> T {
        guard let writeLock else { return try await cell.withTables(body) }
        return try await writeLock.withLock { try await cell.withTables(body) }
    }
}
