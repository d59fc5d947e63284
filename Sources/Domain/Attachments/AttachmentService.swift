import Foundation

/// The attachment use cases. Whoever may read an example may list and download its attachments; whoever may change
/// it (its owner, an administrator) may add and delete them.
public struct AttachmentService: Sendable {
    let examples: any ExampleRepository
    let attachments: any AttachmentRepository
    let unitOfWork: any UnitOfWork
    let storage: any ObjectStorage
    let clock: any WallClock
    let ids: any IDGenerator
    public let policy: UploadPolicy
    /// How long a presigned upload URL stays valid, in seconds.
    let directUploadLifetime: Int

    public init(
        examples: any ExampleRepository, attachments: any AttachmentRepository, unitOfWork: any UnitOfWork, storage: any ObjectStorage,
        clock: any WallClock, ids: any IDGenerator, policy: UploadPolicy = .attachment(), directUploadLifetime: Int = 900
    ) {
        self.examples = examples
        self.attachments = attachments
        self.unitOfWork = unitOfWork
        self.storage = storage
        self.clock = clock
        self.ids = ids
        self.policy = policy
        self.directUploadLifetime = directUploadLifetime
    }

    /// Stores `body` (exactly `length` bytes) as a new attachment of example `exampleID` named `filename`. Refused
    /// before a byte is read for a length over the limit; refused, with nothing kept, for bytes of a kind not allowed.
    public func upload<Body: AsyncSequence & Sendable>(
        exampleID raw: String, filename: String?, body: Body, length: Int64, by principal: Principal
    ) async throws -> Attachment where Body.Element == [UInt8] {
        let example = try await changeableExample(raw, by: principal)
        try policy.check(length: length)
        let name = try Filename.clean(filename)
        let id = ids.makeID()
        let key = Attachment.key(exampleID: example.id, id: id)
        let stored = try await UploadWriter(storage: storage).store(body, length: length, key: key, policy: policy)
        let attachment = Attachment(
            id: id, exampleID: example.id, key: key, filename: name, contentType: stored.contentType, size: stored.size, sha256: stored.sha256,
            createdAt: clock.now().truncatedToMilliseconds)
        try await record(attachment)
        return attachment
    }

    /// The attachments of live example `exampleID`, oldest first.
    public func list(exampleID raw: String) async throws -> [Attachment] {
        let example = try await readableExample(raw)
        return try await attachments.list(exampleID: example.id)
    }

    /// Attachment `id` of live example `exampleID`, opened for reading (all of it, or `range`).
    public func open(exampleID raw: String, id rawID: String, range: ObjectRange?) async throws -> (
        attachment: Attachment, download: ObjectDownload
    ) {
        let example = try await readableExample(raw)
        guard let id = UUID(uuidString: rawID), let attachment = try await attachments.find(id: id, exampleID: example.id) else {
            throw DomainError.notFound(resource: "Attachment")
        }
        return (attachment, try await StoredObjects.open(attachment.key, range: range, in: storage, resource: "Attachment"))
    }

    /// Deletes attachment `id` of example `exampleID`; its object is deleted by a job once the record is gone.
    public func delete(exampleID raw: String, id rawID: String, by principal: Principal) async throws {
        let exampleID = try Self.parse(raw, "Example")
        let id = try Self.parse(rawID, "Attachment")
        let now = clock.now().truncatedToMilliseconds
        try await unitOfWork.transaction { repositories in
            guard let example = try await repositories.examples.find(id: exampleID), ExampleService.mayChange(example, principal) else {
                throw DomainError.notFound(resource: "Example")
            }
            guard let deleted = try await repositories.attachments.delete(id: id, exampleID: exampleID) else {
                throw DomainError.notFound(resource: "Attachment")
            }
            try await ObjectDeletion.schedule([deleted.key], in: repositories, now: now)
        }
    }

    /// Writes the record of an attachment whose object is stored, if its example is still live; otherwise (or when the
    /// write fails) removes the object, so no object is left that nothing refers to.
    func record(_ attachment: Attachment) async throws {
        do {
            try await unitOfWork.transaction { repositories in
                guard try await repositories.examples.find(id: attachment.exampleID) != nil else { throw DomainError.notFound(resource: "Example") }
                try await repositories.attachments.insert(attachment)
            }
        } catch DomainError.conflict(let message) {
            // A second completion of one direct upload: the object is the first one's.
            throw DomainError.conflict(message)
        } catch {
            try? await storage.delete(attachment.key)
            throw error
        }
    }

    func changeableExample(_ raw: String, by principal: Principal) async throws -> Example {
        let id = try Self.parse(raw, "Example")
        guard let example = try await examples.find(id: id), ExampleService.mayChange(example, principal) else {
            throw DomainError.notFound(resource: "Example")
        }
        return example
    }

    func readableExample(_ raw: String) async throws -> Example {
        guard let example = try await examples.find(id: try Self.parse(raw, "Example")) else { throw DomainError.notFound(resource: "Example") }
        return example
    }

    static func parse(_ raw: String, _ resource: String) throws(DomainError) -> UUID {
        guard let id = UUID(uuidString: raw) else { throw .notFound(resource: resource) }
        return id
    }
}
