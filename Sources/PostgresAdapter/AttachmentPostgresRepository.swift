import Domain
import Foundation
import PostgresNIO

/// `AttachmentRepository` on PostgreSQL. Values enter only as bound parameters (a list of keys as one text array).
struct AttachmentPostgresRepository: AttachmentRepository {
    let executor: PostgresExecutor

    func insert(_ attachment: Attachment) async throws {
        do {
            try await executor.execute(
                """
                INSERT INTO attachments (id, example_id, object_key, filename, content_type, size, sha256, created_at)
                VALUES (\(attachment.id), \(attachment.exampleID), \(attachment.key.value), \(text: attachment.filename),
                    \(attachment.contentType), \(attachment.size), \(attachment.sha256), \(time: attachment.createdAt))
                """
            )
        } catch  where PostgresFailure.isUniqueViolation(error, constraint: "attachments_pkey") {
            throw DomainError.conflict("Attachment already exists")
        }
    }

    func find(id: UUID, exampleID: UUID) async throws -> Attachment? {
        try await executor.read(
            """
            SELECT id, example_id, object_key, filename, content_type, size, sha256, created_at FROM attachments
            WHERE id = \(id) AND example_id = \(exampleID)
            """
        ).first.map(Self.attachment)
    }

    func list(exampleID: UUID) async throws -> [Attachment] {
        try await executor.read(
            """
            SELECT id, example_id, object_key, filename, content_type, size, sha256, created_at FROM attachments
            WHERE example_id = \(exampleID) ORDER BY created_at, id
            """
        ).map(Self.attachment)
    }

    func delete(id: UUID, exampleID: UUID) async throws -> Attachment? {
        try await executor.write(
            """
            DELETE FROM attachments WHERE id = \(id) AND example_id = \(exampleID)
            RETURNING id, example_id, object_key, filename, content_type, size, sha256, created_at
            """
        ).first.map(Self.attachment)
    }

    func deleteAll(exampleID: UUID) async throws -> [Attachment] {
        try await executor.write(
            """
            DELETE FROM attachments WHERE example_id = \(exampleID)
            RETURNING id, example_id, object_key, filename, content_type, size, sha256, created_at
            """
        ).map(Self.attachment).sorted { ($0.createdAt, $0.id.uuidString) < ($1.createdAt, $1.id.uuidString) }
    }

    func referencedKeys(among keys: [ObjectKey]) async throws -> Set<ObjectKey> {
        guard !keys.isEmpty else { return [] }
        let values = keys.map(\.value)
        let rows = try await executor.read("SELECT object_key FROM attachments WHERE object_key = ANY(\(values))")
        return Set(try rows.map { row in try ObjectKey(try row.decode(String.self)) })
    }

    static func attachment(_ row: PostgresRow) throws -> Attachment {
        var reader = RowReader(row)
        return Attachment(
            id: try reader.next(UUID.self), exampleID: try reader.next(UUID.self), key: try ObjectKey(try reader.next(String.self)),
            filename: try reader.text(), contentType: try reader.next(String.self), size: try reader.next(Int64.self),
            sha256: try reader.next(String.self), createdAt: try reader.time())
    }
}
