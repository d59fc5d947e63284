import Foundation

/// What `UploadWriter.store` kept: where, of which kind, how many bytes, and their SHA-256.
public struct StoredUpload: Sendable, Equatable {
    public let key: ObjectKey
    public let kind: FileKind
    public let size: Int64
    public let sha256: String

    public var contentType: String { kind.contentType }
}

/// Streams an upload into object storage: the length is checked before any byte is read, the kind is sniffed from
/// the first bytes, and the bytes go on to storage as they arrive, with the sniffed content type. Nothing is stored
/// when any of it fails.
struct UploadWriter: Sendable {
    let storage: any ObjectStorage

    func store<Body: AsyncSequence & Sendable>(
        _ body: Body, length: Int64, key: ObjectKey, policy: UploadPolicy
    ) async throws -> StoredUpload where Body.Element == [UInt8] {
        try policy.check(length: length)
        let source = ChunkSource(body)
        var prefix: [UInt8] = []
        while prefix.count < FileKind.sniffLength, let chunk = try await source.next() { prefix += chunk }
        let kind = try policy.kind(of: prefix)
        let first = prefix
        let chunks = ObjectChunks {
            var pending: [UInt8]? = first
            return {
                if let chunk = pending {
                    pending = nil
                    return chunk
                }
                return try await source.next()
            }
        }
        do {
            let stored = try await storage.put(key, chunks: chunks, length: length, contentType: kind.contentType)
            return StoredUpload(key: key, kind: kind, size: stored.size, sha256: stored.sha256)
        } catch ObjectStorageError.lengthMismatch {
            // The client stopped short of the length it declared.
            throw UploadError.unreadable
        } catch ObjectStorageError.unavailable(let detail) {
            throw DomainError.unavailable("object storage: \(detail)")
        }
    }
}

/// One pass over a request body, shared by the sniffing and the storing; any failure to read it is the client's.
actor ChunkSource<Base: AsyncSequence & Sendable> where Base.Element == [UInt8] {
    private var iterator: Base.AsyncIterator

    init(_ base: Base) {
        iterator = base.makeAsyncIterator()
    }

    func next() async throws -> [UInt8]? {
        // Taken out and put back: an actor cannot call a mutating async method on its stored property.
        var current = iterator
        defer { iterator = current }
        do {
            return try await current.next(isolation: self)
        } catch let error as UploadError {
            throw error
        } catch {
            throw UploadError.unreadable
        }
    }
}
