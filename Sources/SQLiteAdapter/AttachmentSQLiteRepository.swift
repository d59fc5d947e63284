import Domain
import Foundation

/// `AttachmentRepository` on SQLite. Every statement is parameterized; a list of keys is bound as one JSON array.
struct AttachmentSQLiteRepository: AttachmentRepository {
    let executor: any SQLiteExecutor

    private enum SQL {
        static let columns = "id, example_id, object_key, filename, content_type, size, sha256, created_at"
        static let insert = """
            INSERT INTO attachments (id, example_id, object_key, filename, content_type, size, sha256, created_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            """
        static let find = "SELECT \(columns) FROM attachments WHERE id = ?1 AND example_id = ?2"
        static let list = "SELECT \(columns) FROM attachments WHERE example_id = ?1 ORDER BY created_at, id"
        static let delete = "DELETE FROM attachments WHERE id = ?1 AND example_id = ?2 RETURNING \(columns)"
        static let deleteAll = "DELETE FROM attachments WHERE example_id = ?1 RETURNING \(columns)"
        static let referenced = "SELECT object_key FROM attachments WHERE object_key IN (SELECT value FROM json_each(?1))"
    }

    func insert(_ attachment: Attachment) async throws {
        do {
            try await executor.execute(
                SQL.insert,
                [
                    .uuid(attachment.id), .uuid(attachment.exampleID), .text(attachment.key.value), .text(attachment.filename),
                    .text(attachment.contentType), .integer(attachment.size), .text(attachment.sha256), .date(attachment.createdAt),
                ])
        } catch let error as SQLiteError where error.isConstraintViolation {
            throw DomainError.conflict("Attachment already exists")
        }
    }

    func find(id: UUID, exampleID: UUID) async throws -> Attachment? {
        try await executor.query(SQL.find, [.uuid(id), .uuid(exampleID)]).first.map(Self.attachment)
    }

    func list(exampleID: UUID) async throws -> [Attachment] {
        try await executor.query(SQL.list, [.uuid(exampleID)]).map(Self.attachment)
    }

    func delete(id: UUID, exampleID: UUID) async throws -> Attachment? {
        try await executor.write { writer in
            try await writer.query(SQL.delete, [.uuid(id), .uuid(exampleID)]).first.map(Self.attachment)
        }
    }

    func deleteAll(exampleID: UUID) async throws -> [Attachment] {
        try await executor.write { writer in
            try await writer.query(SQL.deleteAll, [.uuid(exampleID)]).map(Self.attachment)
        }.sorted { ($0.createdAt, $0.id.uuidString) < ($1.createdAt, $1.id.uuidString) }
    }

    func referencedKeys(among keys: [ObjectKey]) async throws -> Set<ObjectKey> {
        guard !keys.isEmpty else { return [] }
        let rows = try await executor.query(SQL.referenced, [.text(try SQLiteJSON.array(keys.map(\.value)))])
        return Set(try rows.map { try ObjectKey(try $0.string(0)) })
    }

    static func attachment(_ row: SQLiteRow) throws -> Attachment {
        Attachment(
            id: try row.uuid(0), exampleID: try row.uuid(1), key: try ObjectKey(try row.string(2)), filename: try row.string(3),
            contentType: try row.string(4), size: try row.int64(5), sha256: try row.string(6), createdAt: try row.date(7))
    }
}

/// Lists bound as one JSON array text, read back in SQL with `json_each`.
enum SQLiteJSON {
    static func array(_ values: [String]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: values), as: UTF8.self)
    }
}
