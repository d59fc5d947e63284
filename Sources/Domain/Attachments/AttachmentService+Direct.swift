import Foundation

/// A presigned upload: the client PUTs the file's bytes to `url` with `headers` before `expiresAt`, then asks for it to
/// be completed with its `id`.
public struct DirectUpload: Sendable, Equatable {
    /// Where direct uploads land before they are completed (and copied under `Attachment.keyPrefix`).
    public static let keyPrefix = "uploads/"

    /// The key a direct upload's bytes are PUT to.
    public static func key(exampleID: UUID, id: UUID) -> ObjectKey {
        (try? ObjectKey("\(keyPrefix)\(exampleID.uuidString.lowercased())/\(id.uuidString.lowercased())"))!
    }

    public let id: UUID
    public let url: URL
    public let method: String
    public let headers: [String: String]
    public let expiresAt: Date
    public let maxBytes: Int64
}

extension AttachmentService {
    /// Starts an upload straight to the bucket: a presigned PUT URL for a new key under example `exampleID`, signed for
    /// the content type of the allowed kind `contentType` names. Storage that cannot presign (the filesystem) refuses
    /// with `directUploadUnsupported`. Nothing is recorded until `completeDirectUpload`; bytes never completed are
    /// swept as orphans.
    public func beginDirectUpload(exampleID raw: String, contentType: String?, by principal: Principal) async throws -> DirectUpload {
        let example = try await changeableExample(raw, by: principal)
        let mediaType = contentType.map { String($0.split(separator: ";").first ?? "").trimmingWhitespace().lowercased() }
        guard let mediaType, let kind = policy.allowed.first(where: { $0.contentType.hasPrefix(mediaType) && !mediaType.isEmpty }) else {
            throw UploadError.unsupportedType(allowed: policy.allowed.map(\.contentType))
        }
        let id = ids.makeID()
        let now = clock.now().truncatedToMilliseconds
        let url: URL
        do {
            url = try storage.presignedURL(
                for: .put, key: DirectUpload.key(exampleID: example.id, id: id), expiresIn: directUploadLifetime, contentType: kind.contentType,
                now: now)
        } catch ObjectStorageError.unsupported {
            throw UploadError.directUploadUnsupported
        }
        return DirectUpload(
            id: id, url: url, method: "PUT", headers: ["Content-Type": kind.contentType],
            expiresAt: now.addingTimeInterval(Double(directUploadLifetime)),
            maxBytes: policy.maxBytes)
    }

    /// Records a direct upload as attachment `uploadID` named `filename`, once its bytes are in the bucket: their size
    /// must be within the limit and their first bytes of an allowed kind, or the object is deleted and the upload
    /// refused. The bytes are then copied to the attachment's own key (which no presigned URL can write, so they cannot
    /// change after they were checked; the copy also yields their SHA-256) and the uploaded object is deleted.
    public func completeDirectUpload(exampleID raw: String, uploadID rawID: String, filename: String?, by principal: Principal) async throws
        -> Attachment
    {
        let example = try await changeableExample(raw, by: principal)
        let id = try Self.parse(rawID, "Upload")
        let name = try Filename.clean(filename)
        if try await attachments.find(id: id, exampleID: example.id) != nil { throw DomainError.conflict("This upload is already completed") }
        let key = DirectUpload.key(exampleID: example.id, id: id)
        let head: ObjectDownload
        do {
            head = try await storage.get(key, range: .bytes(start: 0, end: Int64(FileKind.sniffLength) - 1))
        } catch ObjectStorageError.notFound, ObjectStorageError.invalidRange {
            // Nothing was uploaded, or an empty object (whose every range is invalid).
            try? await storage.delete(key)
            throw DomainError.notFound(resource: "Upload")
        } catch ObjectStorageError.unavailable(let detail) {
            throw DomainError.unavailable("object storage: \(detail)")
        }
        let kind: FileKind
        do {
            try policy.check(length: head.size)
            kind = try policy.kind(of: try await head.collect())
        } catch {
            try? await storage.delete(key)
            throw error
        }
        let target = Attachment.key(exampleID: example.id, id: id)
        let stored: StoredObject
        do {
            let source = try await storage.get(key, range: nil)
            stored = try await storage.put(target, chunks: source.chunks, length: head.size, contentType: kind.contentType)
        } catch ObjectStorageError.lengthMismatch, ObjectStorageError.notFound {
            throw DomainError.conflict("The upload changed while it was being completed; try again")
        } catch ObjectStorageError.unavailable(let detail) {
            throw DomainError.unavailable("object storage: \(detail)")
        }
        let attachment = Attachment(
            id: id, exampleID: example.id, key: target, filename: name, contentType: kind.contentType, size: stored.size, sha256: stored.sha256,
            createdAt: clock.now().truncatedToMilliseconds)
        try await record(attachment)
        try? await storage.delete(key)
        return attachment
    }
}
