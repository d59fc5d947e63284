import Domain
import Foundation
import PostgresNIO

/// `AuditLog` on PostgreSQL: an append-only table (a trigger refuses updates).
struct AuditEventPostgresLog: AuditLog {
    let executor: PostgresExecutor

    func record(_ event: AuditEvent) async throws {
        try await executor.execute(
            """
            INSERT INTO audit_events (id, occurred_at, actor_id, action, target_id, outcome, client_address, user_agent, request_id, detail)
            VALUES (\(event.id), \(time: event.occurredAt), \(event.actorID), \(text: event.action), \(text: event.targetID),
                \(text: event.outcome.rawValue), \(text: event.clientAddress), \(text: event.userAgent), \(text: event.requestID),
                \(text: event.detail))
            """
        )
    }

    func list(filter: AuditFilter, page: PageRequest) async throws -> Page<AuditEvent> {
        let action = filter.action.map(StoredText.encode)
        let from = filter.from.map(Timestamp.init)
        let to = filter.to.map(Timestamp.init)
        // A NULL parameter switches its condition off (each statement is planned with its parameters, so the
        // condition folds away and the matching index serves the rest). One statement, so the count and the page come
        // from one snapshot; the page joins the count's one row (no page rows: one row of NULLs).
        let rows = try await executor.read(
            """
            SELECT matching.total, page.id, page.occurred_at, page.actor_id, page.action, page.target_id, page.outcome, page.client_address,
                page.user_agent, page.request_id, page.detail
            FROM (
                SELECT count(*) AS total FROM audit_events
                WHERE (\(filter.actorID)::uuid IS NULL OR actor_id = \(filter.actorID)) AND (\(action)::text IS NULL OR action = \(action))
                    AND (\(from)::timestamptz IS NULL OR occurred_at >= \(from)) AND (\(to)::timestamptz IS NULL OR occurred_at < \(to))
            ) AS matching
            LEFT JOIN LATERAL (
                SELECT id, occurred_at, actor_id, action, target_id, outcome, client_address, user_agent, request_id, detail FROM audit_events
                WHERE (\(filter.actorID)::uuid IS NULL OR actor_id = \(filter.actorID)) AND (\(action)::text IS NULL OR action = \(action))
                    AND (\(from)::timestamptz IS NULL OR occurred_at >= \(from)) AND (\(to)::timestamptz IS NULL OR occurred_at < \(to))
                ORDER BY occurred_at DESC, id DESC LIMIT \(page.limit) OFFSET \(page.offset)
            ) AS page ON true
            ORDER BY page.occurred_at DESC, page.id DESC
            """
        )
        var total = 0
        var items: [AuditEvent] = []
        for row in rows {
            var reader = RowReader(row)
            total = try reader.int()
            if !reader.nextIsNull { items.append(try Self.event(&reader)) }
        }
        return Page(items: items, total: total, request: page)
    }

    private static func event(_ reader: inout RowReader) throws -> AuditEvent {
        AuditEvent(
            id: try reader.next(UUID.self),
            occurredAt: try reader.time(),
            actorID: try reader.next(UUID?.self),
            action: try reader.text(),
            targetID: try reader.optionalText(),
            outcome: try reader.enumeration(),
            clientAddress: try reader.optionalText(),
            userAgent: try reader.optionalText(),
            requestID: try reader.optionalText(),
            detail: try reader.optionalText()
        )
    }
}
