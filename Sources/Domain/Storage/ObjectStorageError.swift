/// The errors every `ObjectStorage` adapter throws.
public enum ObjectStorageError: Error, Sendable, Equatable {
    /// The key breaks a rule of `ObjectKey`; the message says which.
    case invalidKey(String)
    /// No object under this key.
    case notFound(ObjectKey)
    /// The range selects no byte of an object of `size` bytes (it starts at or past the end).
    case invalidRange(size: Int64)
    /// `put` received a different number of bytes than the length it was given (`received` counts at most one past it).
    case lengthMismatch(expected: Int64, received: Int64)
    /// A content type that is empty, too long or not printable ASCII.
    case invalidContentType
    /// The adapter cannot do this (presigned URLs on the filesystem), or the arguments are out of its bounds.
    case unsupported(String)
    /// The backend failed or did not answer; the message is for logs, never for clients.
    case unavailable(String)
}
