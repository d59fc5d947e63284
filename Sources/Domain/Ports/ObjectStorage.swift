import Foundation

/// Large binary objects (uploads, avatars, attachments) kept outside the database: files under a directory in
/// development (`STORAGE_URL=file:DIR`), an S3-compatible bucket in production (`STORAGE_URL=s3://BUCKET?...`).
///
/// Every method throws `ObjectStorageError`: `.notFound` for a missing object, `.invalidRange`, `.lengthMismatch`,
/// `.unsupported` and `.unavailable` (the backend failed or did not answer; the caller may retry later).
public protocol ObjectStorage: Sendable {
    /// Stores the bytes `chunks` yields under `key` with `contentType`, replacing any object already there, and
    /// returns their size and SHA-256. `length` is the exact number of bytes the chunks must yield: more or fewer
    /// fails with `.lengthMismatch`. When the chunks throw or the length is wrong, the error is rethrown (or
    /// `.lengthMismatch`) and no object, neither a half-written new one nor a changed old one, becomes visible:
    /// readers see the previous object or none.
    func put<Chunks: AsyncSequence & Sendable>(
        _ key: ObjectKey, chunks: Chunks, length: Int64, contentType: String
    ) async throws -> StoredObject where Chunks.Element == [UInt8]

    /// Opens the object under `key` for reading: its metadata and its bytes, all of them or those `range` selects.
    /// Throws `.notFound` when there is no such object and `.invalidRange` when `range` selects no byte of it.
    /// The bytes are read while the chunks are consumed; an object replaced meanwhile may fail the read.
    func get(_ key: ObjectKey, range: ObjectRange?) async throws -> ObjectDownload

    /// Removes the object under `key`. Removing an object that does not exist succeeds (idempotent).
    func delete(_ key: ObjectKey) async throws

    /// Up to `limit` objects whose keys start with `prefix`, in ascending key order, after the key `after` when given
    /// (pass the last key of a full page to read the next one). For sweeps of objects no row refers to any more.
    func list(prefix: String, after: ObjectKey?, limit: Int) async throws -> [ObjectSummary]

    /// A URL that lets its holder `method` the object under `key` without credentials until `now + expiresIn` seconds
    /// (1 second to 7 days). A PUT URL is signed for `contentType`, which the upload must then send. Throws
    /// `.unsupported` when the backend cannot sign URLs (the filesystem adapter: serve its objects through the API).
    func presignedURL(for method: PresignedMethod, key: ObjectKey, expiresIn: Int, contentType: String?, now: Date) throws -> URL
}

/// What a presigned URL allows.
public enum PresignedMethod: String, Sendable, CaseIterable {
    case get = "GET"
    case put = "PUT"
}

/// What `put` stored.
public struct StoredObject: Sendable, Equatable {
    public let key: ObjectKey
    /// Bytes stored.
    public let size: Int64
    /// SHA-256 of the bytes stored, lowercase hex.
    public let sha256: String

    public init(key: ObjectKey, size: Int64, sha256: String) {
        self.key = key
        self.size = size
        self.sha256 = sha256
    }
}

/// One object as `list` reports it.
public struct ObjectSummary: Sendable, Equatable {
    public let key: ObjectKey
    public let size: Int64
    /// When the object was last written (the sweep leaves recent objects alone: their row may be on its way).
    public let lastModified: Date

    public init(key: ObjectKey, size: Int64, lastModified: Date) {
        self.key = key
        self.size = size
        self.lastModified = lastModified
    }
}
