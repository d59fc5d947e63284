import Domain
import Foundation

/// The in-memory database selected by `DATABASE_URL=memory:`: every repository plus transactions.
///
/// A transaction works on a private copy of the tables and publishes it on success, so readers never see
/// uncommitted writes; one write lock orders transactions and single writes.
public final class MemoryDatabase: UnitOfWork, DependencyCheck {
    public let name = "database"
    let committed = MemoryCell(MemoryTables())
    let writeLock = AsyncLock()

    public init() {}

    /// Repositories over the committed tables, each call on its own.
    public var examples: ExampleMemoryRepository { ExampleMemoryRepository(access: committedAccess) }
    public var users: UserMemoryRepository { UserMemoryRepository(access: committedAccess) }
    public var sessions: SessionMemoryRepository { SessionMemoryRepository(access: committedAccess) }
    public var oneTimeTokens: OneTimeTokenMemoryRepository { OneTimeTokenMemoryRepository(access: committedAccess) }
    public var auditLog: AuditEventMemoryLog { AuditEventMemoryLog(access: committedAccess) }
    public var outbox: OutboxMemoryRepository { OutboxMemoryRepository(access: committedAccess) }

    private var committedAccess: MemoryTableAccess { MemoryTableAccess(cell: committed, writeLock: writeLock) }

    public func transaction<T: Sendable>(_ work: @Sendable (Repositories) async throws -> T) async throws -> T {
        try await writeLock.withLock {
            let copy = MemoryTableAccess(cell: MemoryCell(await committed.tables), writeLock: nil)
            let result = try await work(
                Repositories(
                    examples: ExampleMemoryRepository(access: copy),
                    users: UserMemoryRepository(access: copy),
                    sessions: SessionMemoryRepository(access: copy),
                    oneTimeTokens: OneTimeTokenMemoryRepository(access: copy),
                    auditLog: AuditEventMemoryLog(access: copy),
                    outbox: OutboxMemoryRepository(access: copy)
                )
            )
            await committed.replace(with: await copy.cell.tables)
            return result
        }
    }

    public func ping() async throws {}
}
