import Domain
import Foundation

/// `AuditLog` on SQLite: an append-only table (a trigger refuses updates).
struct AuditEventSQLiteLog: AuditLog {
    let executor: any SQLiteExecutor

    /// Every statement, written out in full: nothing is assembled at run time.
    private enum SQL {
        static let insert = """
            INSERT INTO audit_events (id, occurred_at, actor_id, action, target_id, outcome, client_address, user_agent, request_id, detail)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
            """
        // A NULL parameter switches its condition off: ?1 actor, ?2 action, ?3 from (inclusive), ?4 to (exclusive).
        static let count = """
            SELECT count(*) FROM audit_events
            WHERE (?1 IS NULL OR actor_id = ?1) AND (?2 IS NULL OR action = ?2) AND (?3 IS NULL OR occurred_at >= ?3)
                AND (?4 IS NULL OR occurred_at < ?4)
            """
        static let page = """
            SELECT id, occurred_at, actor_id, action, target_id, outcome, client_address, user_agent, request_id, detail FROM audit_events
            WHERE (?1 IS NULL OR actor_id = ?1) AND (?2 IS NULL OR action = ?2) AND (?3 IS NULL OR occurred_at >= ?3)
                AND (?4 IS NULL OR occurred_at < ?4)
            ORDER BY occurred_at DESC, id DESC LIMIT ?5 OFFSET ?6
            """
    }

    func record(_ event: AuditEvent) async throws {
        try await executor.execute(
            SQL.insert,
            [
                .uuid(event.id), .date(event.occurredAt), .optionalUUID(event.actorID), .text(event.action), .optionalText(event.targetID),
                .text(event.outcome.rawValue), .optionalText(event.clientAddress), .optionalText(event.userAgent),
                .optionalText(event.requestID), .optionalText(event.detail),
            ]
        )
    }

    func list(filter: AuditFilter, page: PageRequest) async throws -> Page<AuditEvent> {
        let conditions: [SQLiteValue] = [
            .optionalUUID(filter.actorID), .optionalText(filter.action), .optionalDate(filter.from),
            .optionalDate(filter.to),
        ]
        // The count and the page come from one snapshot, so `total` always agrees with the items.
        let results = try await executor.queries([(SQL.count, conditions), (SQL.page, conditions + [.int(page.limit), .int(page.offset)])])
        let total = try results[0].first?.int(0) ?? 0
        return Page(items: try results[1].map(Self.event), total: total, request: page)
    }

    private static func event(_ row: SQLiteRow) throws -> AuditEvent {
        AuditEvent(
            id: try row.uuid(0),
            occurredAt: try row.date(1),
            actorID: try row.optionalUUID(2),
            action: try row.string(3),
            targetID: try row.optionalString(4),
            outcome: try row.enumeration(5),
            clientAddress: try row.optionalString(6),
            userAgent: try row.optionalString(7),
            requestID: try row.optionalString(8),
            detail: try row.optionalString(9)
        )
    }
}
