import Domain
import Foundation

/// `AttachmentRepository` kept in memory. Deleting an example softly keeps its attachments, as in the databases
/// (the use case deletes them); there is no hard delete of examples to cascade from.
public struct AttachmentMemoryRepository: AttachmentRepository {
    let access: MemoryTableAccess

    public func insert(_ attachment: Attachment) async throws {
        try await access.write { tables in
            guard tables.attachments[attachment.id] == nil else { throw DomainError.conflict("Attachment already exists") }
            tables.attachments[attachment.id] = attachment
        }
    }

    public func find(id: UUID, exampleID: UUID) async throws -> Attachment? {
        await access.read { tables in tables.attachments[id].flatMap { $0.exampleID == exampleID ? $0 : nil } }
    }

    public func list(exampleID: UUID) async throws -> [Attachment] {
        await access.read { tables in
            tables.attachments.values.filter { $0.exampleID == exampleID }.sorted {
                ($0.createdAt, $0.id.uuidString) < ($1.createdAt, $1.id.uuidString)
            }
        }
    }

    public func delete(id: UUID, exampleID: UUID) async throws -> Attachment? {
        try await access.write { tables in
            guard let attachment = tables.attachments[id], attachment.exampleID == exampleID else { return nil }
            tables.attachments[id] = nil
            return attachment
        }
    }

    public func deleteAll(exampleID: UUID) async throws -> [Attachment] {
        try await access.write { tables in
            let deleted = tables.attachments.values.filter { $0.exampleID == exampleID }
            for attachment in deleted { tables.attachments[attachment.id] = nil }
            return deleted.sorted { ($0.createdAt, $0.id.uuidString) < ($1.createdAt, $1.id.uuidString) }
        }
    }

    public func referencedKeys(among keys: [ObjectKey]) async throws -> Set<ObjectKey> {
        await access.read { tables in
            Set(tables.attachments.values.map(\.key)).intersection(keys)
        }
    }
}
