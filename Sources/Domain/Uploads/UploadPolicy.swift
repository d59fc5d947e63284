/// What one kind of upload accepts: at most `maxBytes` bytes of one of the `allowed` kinds.
public struct UploadPolicy: Sendable, Equatable {
    public var maxBytes: Int64
    public var allowed: [FileKind]

    public init(maxBytes: Int64, allowed: [FileKind]) {
        self.maxBytes = maxBytes
        self.allowed = allowed
    }

    /// Avatars: PNG, JPEG, GIF or WebP, 2 MiB by default (`AVATAR_MAX_SIZE`).
    public static func avatar(maxBytes: Int64 = 2 * 1024 * 1024) -> UploadPolicy {
        UploadPolicy(maxBytes: maxBytes, allowed: [.png, .jpeg, .gif, .webp])
    }

    /// Attachments: PDF, images, ZIP archives and plain UTF-8 text, 25 MiB by default (`ATTACHMENT_MAX_SIZE`).
    public static func attachment(maxBytes: Int64 = 25 * 1024 * 1024) -> UploadPolicy {
        UploadPolicy(maxBytes: maxBytes, allowed: [.pdf, .png, .jpeg, .gif, .webp, .zip, .text])
    }

    /// Throws `.tooLarge` for a declared length over the limit, `.empty` for none: before a byte is read.
    public func check(length: Int64) throws(UploadError) {
        if length > maxBytes { throw .tooLarge(limit: maxBytes) }
        if length <= 0 { throw .empty }
    }

    /// The kind `prefix` shows when this policy allows it; throws `.unsupportedType` otherwise.
    public func kind(of prefix: [UInt8]) throws(UploadError) -> FileKind {
        guard let kind = FileKind.sniff(prefix), allowed.contains(kind) else {
            throw .unsupportedType(allowed: allowed.map(\.contentType))
        }
        return kind
    }
}

/// Why an upload was refused. The HTTP adapter answers 413 for `tooLarge`, 415 for `unsupportedType`, 400 for `empty`
/// and `unreadable`, and 409 for `directUploadUnsupported`.
public enum UploadError: Error, Sendable, Equatable {
    /// The body is (or declares itself) larger than `limit` bytes.
    case tooLarge(limit: Int64)
    /// The bytes are none of the allowed kinds (which the client's content type cannot change).
    case unsupportedType(allowed: [String])
    /// No bytes at all.
    case empty
    /// The request body could not be read to its end (the client went away or sent a malformed body).
    case unreadable
    /// Direct uploads need presigned URLs, which this storage (the filesystem) cannot make.
    case directUploadUnsupported
}
