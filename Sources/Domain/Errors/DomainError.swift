import Foundation

/// One problem with one input field, reported to the client as `{field, message}`.
public struct FieldError: Sendable, Equatable, Hashable {
    public let field: String
    public let message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

/// The errors use cases throw. The HTTP adapter maps each case to a status code in one place.
public enum DomainError: Error, Sendable, Equatable {
    /// The input breaks one or more rules; every problem is listed.
    case validation([FieldError])
    /// The named resource does not exist, or the caller may not see it.
    case notFound(resource: String)
    /// The change conflicts with existing state (a duplicate, a stale write).
    case conflict(String)
    /// A dependency the use case needs does not answer; the caller may retry later.
    case unavailable(String)
    /// The caller is not authenticated (no, bad or expired credentials). The message never says which.
    case unauthenticated
    /// The caller may not do this; the message says why in terms the caller already knows.
    case forbidden(String)
    /// The caller asked for this too often (or made too many failed sign-ins); they may try again after the given number
    /// of seconds.
    case rateLimited(retryAfterSeconds: Int)
    /// Too much work is queued (password hashing); the caller should retry after the given number of seconds.
    case overloaded(retryAfterSeconds: Int)
}
