import Domain
import Foundation

/// An example as the memory adapter keeps it: deleted ones stay, marked.
struct ExampleRecord: Sendable {
    var example: Example
    var deletedAt: Date?
}

/// Every table of the in-memory database, as one value so a transaction can work on a copy.
struct MemoryTables: Sendable {
    var examples: [UUID: ExampleRecord] = [:]
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

/// The in-memory database selected by `DATABASE_URL=memory:`: every repository plus transactions.
///
/// A transaction works on a private copy of the tables and publishes it on success, so readers never see
/// uncommitted writes; one write lock orders transactions and single writes.
public final class MemoryDatabase: UnitOfWork, DependencyCheck {
    public let name = "database"
    let committed = MemoryCell(MemoryTables())
    let writeLock = AsyncLock()

    public init() {}

    /// The example repository over the committed tables.
    public var examples: ExampleMemoryRepository {
        ExampleMemoryRepository(cell: committed, writeLock: writeLock)
    }

    public func transaction<T: Sendable>(_ work: @Sendable (Repositories) async throws -> T) async throws -> T {
        try await writeLock.withLock {
            let copy = MemoryCell(await committed.tables)
            let result = try await work(Repositories(examples: ExampleMemoryRepository(cell: copy, writeLock: nil)))
            await committed.replace(with: await copy.tables)
            return result
        }
    }

    public func ping() async throws {}
}
