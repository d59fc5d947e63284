import Domain
import Foundation
import Telemetry

/// `OutboxRepository` on SQLite. The payload and the trace context are kept as JSON text; a request without a trace
/// context joins the trace of the operation adding it.
struct OutboxSQLiteRepository: OutboxRepository {
    let executor: any SQLiteExecutor

    private enum SQL {
        static let insert = """
            INSERT INTO outbox (id, queue, kind, payload, run_at, created_at, trace_context) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
            ON CONFLICT (id) DO NOTHING
            """
        static let next = "SELECT id, queue, kind, payload, run_at, trace_context FROM outbox ORDER BY created_at, id LIMIT ?1"
        static let remove = "DELETE FROM outbox WHERE id = ?1"
    }

    func add(_ request: JobRequest, now: Date) async throws {
        try await executor.execute(
            SQL.insert,
            [
                .uuid(request.id), .text(request.queue), .text(request.kind), .text(try OutboxPayload.encode(request.payload)),
                request.runAt.map(SQLiteValue.date) ?? .null, .date(now),
                .text(try OutboxPayload.encode(TraceHeaders.orCurrent(request.traceContext))),
            ]
        )
    }

    func next(limit: Int) async throws -> [JobRequest] {
        try await executor.query(SQL.next, [.integer(Int64(limit))]).map { row in
            JobRequest(
                id: try row.uuid(0), queue: try row.string(1), kind: try row.string(2), payload: try OutboxPayload.decode(try row.string(3)),
                runAt: try row.optionalDate(4), traceContext: (try? OutboxPayload.decode(try row.string(5))) ?? [:])
        }
    }

    func remove(id: UUID) async throws -> Bool {
        try await executor.execute(SQL.remove, [.uuid(id)]) == 1
    }
}

/// A job's payload as JSON text with sorted keys.
enum OutboxPayload {
    static func encode(_ payload: [String: String]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys]), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> [String: String] {
        guard let payload = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String] else {
            throw OutboxPayloadError()
        }
        return payload
    }
}

/// An outbox row whose payload is not a JSON object of strings.
struct OutboxPayloadError: Error, CustomStringConvertible {
    var description: String { "an outbox payload is not a JSON object of strings" }
}
