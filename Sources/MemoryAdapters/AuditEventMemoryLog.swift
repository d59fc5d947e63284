import Domain
import Foundation

/// `AuditLog` kept in memory: events are appended and read, never changed.
public struct AuditEventMemoryLog: AuditLog {
    let access: MemoryTableAccess

    public func record(_ event: AuditEvent) async throws {
        try await access.write { tables in tables.auditEvents.append(event) }
    }

    public func list(filter: AuditFilter, page: PageRequest) async throws -> Page<AuditEvent> {
        let matching = await access.read { tables in tables.auditEvents.filter { Self.matches($0, filter) } }
        let sorted = matching.sorted { ($0.occurredAt, $0.id.uuidString) > ($1.occurredAt, $1.id.uuidString) }
        return Page(items: Array(sorted.dropFirst(page.offset).prefix(page.limit)), total: sorted.count, request: page)
    }

    private static func matches(_ event: AuditEvent, _ filter: AuditFilter) -> Bool {
        if let actorID = filter.actorID, event.actorID != actorID { return false }
        if let action = filter.action, !event.action.isBytewiseEqual(to: action) { return false }
        if let from = filter.from, event.occurredAt < from { return false }
        if let to = filter.to, event.occurredAt >= to { return false }
        return true
    }
}
