import Domain
import Foundation

/// `OutboxRepository` kept in memory: oldest first, by when each request was added, then by id, as the databases do.
public struct OutboxMemoryRepository: OutboxRepository {
    let access: MemoryTableAccess

    public func add(_ request: JobRequest, now: Date) async throws {
        try await access.write { tables in
            guard !tables.outbox.contains(where: { $0.request.id == request.id }) else { return }
            tables.outbox.append((request, now))
        }
    }

    public func next(limit: Int) async throws -> [JobRequest] {
        await access.read { tables in
            tables.outbox.sorted { ($0.addedAt, $0.request.id.uuidString) < ($1.addedAt, $1.request.id.uuidString) }.prefix(limit).map(\.request)
        }
    }

    public func remove(id: UUID) async throws -> Bool {
        try await access.write { tables in
            guard let index = tables.outbox.firstIndex(where: { $0.request.id == id }) else { return false }
            tables.outbox.remove(at: index)
            return true
        }
    }
}
