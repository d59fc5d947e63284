import Domain
import Foundation

/// The in-memory database selected by `DATABASE_URL=memory:`: every repository plus transactions.
///
/// A transaction works on a private copy of the tables and publishes it on success, so readers never see
/// uncommitted writes; one write lock orders transactions and single writes.
@dynamicMemberLookup
public final class MemoryDatabase: UnitOfWork, DependencyCheck {
    public let name = "database"
    let committed = MemoryCell(MemoryTables())
    let writeLock = AsyncLock()

    public init() {}

    /// Every memory repository over `access`: this engine's one list of them, for single calls (the committed
    /// tables) and for transactions (a private copy). A new module adds its repository here.
    static func repositories(on access: MemoryTableAccess) -> Repositories {
        Repositories(
            examples: ExampleMemoryRepository(access: access),
            users: UserMemoryRepository(access: access),
            sessions: SessionMemoryRepository(access: access),
            oneTimeTokens: OneTimeTokenMemoryRepository(access: access),
            auditLog: AuditEventMemoryLog(access: access),
            outbox: OutboxMemoryRepository(access: access),
            attachments: AttachmentMemoryRepository(access: access),
            avatars: AvatarMemoryRepository(access: access)
        )
    }

    /// Repositories over the committed tables, each call on its own.
    public var repositories: Repositories { Self.repositories(on: committedAccess) }

    /// `database.users` and the like: one repository of `repositories`.
    public subscript<Repository>(dynamicMember keyPath: KeyPath<Repositories, Repository>) -> Repository {
        repositories[keyPath: keyPath]
    }

    private var committedAccess: MemoryTableAccess { MemoryTableAccess(cell: committed, writeLock: writeLock) }

    public func transaction<T: Sendable>(_ work: @Sendable (Repositories) async throws -> T) async throws -> T {
        try await writeLock.withLock {
            let copy = MemoryTableAccess(cell: MemoryCell(await committed.tables), writeLock: nil)
            let result = try await work(Self.repositories(on: copy))
            await committed.replace(with: await copy.cell.tables)
            return result
        }
    }

    public func ping() async throws {}
}
