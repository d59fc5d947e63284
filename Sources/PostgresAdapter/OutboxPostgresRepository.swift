import Domain
import Foundation
import PostgresNIO
import Telemetry

/// `OutboxRepository` on PostgreSQL. The payload and the trace context are kept as JSON text; values enter only as
/// bound parameters. A request without a trace context joins the trace of the operation adding it.
struct OutboxPostgresRepository: OutboxRepository {
    let executor: PostgresExecutor

    func add(_ request: JobRequest, now: Date) async throws {
        let payload = try Self.json(request.payload)
        let trace = try Self.json(TraceHeaders.orCurrent(request.traceContext))
        try await executor.execute(
            """
            INSERT INTO outbox (id, queue, kind, payload, run_at, created_at, trace_context)
            VALUES (\(request.id), \(text: request.queue), \(text: request.kind), \(text: payload), \(time: request.runAt), \(time: now),
                \(text: trace))
            ON CONFLICT (id) DO NOTHING
            """
        )
    }

    private static func json(_ object: [String: String]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    func next(limit: Int) async throws -> [JobRequest] {
        try await executor.read(
            "SELECT id, queue, kind, payload, run_at, trace_context FROM outbox ORDER BY created_at, id LIMIT \(limit)"
        ).map { row in
            var reader = RowReader(row)
            let id = try reader.next(UUID.self)
            let queue = try reader.text()
            let kind = try reader.text()
            guard let payload = try JSONSerialization.jsonObject(with: Data(try reader.text().utf8)) as? [String: String] else {
                throw PostgresDecodingError.Code.failure
            }
            let runAt = try reader.optionalTime()
            let trace = (try? JSONSerialization.jsonObject(with: Data(try reader.text().utf8)) as? [String: String]) ?? [:]
            return JobRequest(id: id, queue: queue, kind: kind, payload: payload, runAt: runAt, traceContext: trace)
        }
    }

    func remove(id: UUID) async throws -> Bool {
        try await executor.execute("DELETE FROM outbox WHERE id = \(id)") == 1
    }
}
