import Foundation

/// A file attached to an example: its bytes live in object storage under `key`, this record says what they are.
public struct Attachment: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let exampleID: UUID
    public let key: ObjectKey
    /// The name the uploader gave, cleaned (`Filename.clean`): shown to readers and offered for saving.
    public let filename: String
    /// The content type the bytes were sniffed as, never the one a client claimed.
    public let contentType: String
    public let size: Int64
    /// SHA-256 of the bytes, lowercase hex.
    public let sha256: String
    public let createdAt: Date

    public init(
        id: UUID, exampleID: UUID, key: ObjectKey, filename: String, contentType: String, size: Int64, sha256: String, createdAt: Date
    ) {
        self.id = id
        self.exampleID = exampleID
        self.key = key
        self.filename = filename
        self.contentType = contentType
        self.size = size
        self.sha256 = sha256
        self.createdAt = createdAt
    }

    /// Where the bytes of attachment `id` of example `exampleID` are kept: one key per upload, never reused.
    public static func key(exampleID: UUID, id: UUID) -> ObjectKey {
        // Lower-case UUIDs are within ObjectKey's character set, so this cannot fail.
        (try? ObjectKey("\(keyPrefix)\(exampleID.uuidString.lowercased())/\(id.uuidString.lowercased())"))!
    }

    /// Every attachment's key starts with this (the orphan sweep lists it).
    public static let keyPrefix = "attachments/"
}

/// Stores attachment records. The record of an attachment exists only while its object does: the object is written
/// before the record, and deleted (by a job) after the record is gone.
public protocol AttachmentRepository: Sendable {
    /// Stores a new attachment record.
    func insert(_ attachment: Attachment) async throws
    /// The attachment `id` of example `exampleID`, or nil.
    func find(id: UUID, exampleID: UUID) async throws -> Attachment?
    /// Every attachment of example `exampleID`, oldest first.
    func list(exampleID: UUID) async throws -> [Attachment]
    /// Deletes the attachment `id` of example `exampleID`; returns what was deleted, or nil when there was none.
    func delete(id: UUID, exampleID: UUID) async throws -> Attachment?
    /// Deletes every attachment of example `exampleID`; returns what was deleted.
    func deleteAll(exampleID: UUID) async throws -> [Attachment]
    /// Those of `keys` some attachment record refers to.
    func referencedKeys(among keys: [ObjectKey]) async throws -> Set<ObjectKey>
}
