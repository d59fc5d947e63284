import Domain
import Foundation
import PostgresNIO

/// `OutboxRepository` on PostgreSQL. The payload is kept as JSON text; values enter only as bound parameters.
struct OutboxPostgresRepository: OutboxRepository {
    let executor: PostgresExecutor

    func add(_ request: JobRequest, now: Date) async throws {
        let payload = String(decoding: try JSONSerialization.data(withJSONObject: request.payload, options: [.sortedKeys]), as: UTF8.self)
        try await executor.execute(
            """
            INSERT INTO outbox (id, queue, kind, payload, run_at, created_at)
            VALUES (\(request.id), \(text: request.queue), \(text: request.kind), \(text: payload), \(time: request.runAt), \(time: now))
            ON CONFLICT (id) DO NOTHING
            """
        )
    }

    func next(limit: Int) async throws -> [JobRequest] {
        try await executor.read("SELECT id, queue, kind, payload, run_at FROM outbox ORDER BY created_at, id LIMIT \(limit)").map { row in
            var reader = RowReader(row)
            let id = try reader.next(UUID.self)
            let queue = try reader.text()
            let kind = try reader.text()
            guard let payload = try JSONSerialization.jsonObject(with: Data(try reader.text().utf8)) as? [String: String] else {
                throw PostgresDecodingError.Code.failure
            }
            return JobRequest(id: id, queue: queue, kind: kind, payload: payload, runAt: try reader.optionalTime())
        }
    }

    func remove(id: UUID) async throws -> Bool {
        try await executor.execute("DELETE FROM outbox WHERE id = \(id)") == 1
    }
}
