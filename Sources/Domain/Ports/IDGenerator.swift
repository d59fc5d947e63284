import Foundation

/// Makes identifiers for new entities (UUIDv7 in production, so ids sort by creation time).
public protocol IDGenerator: Sendable {
    /// Returns a new, unique identifier.
    func makeID() -> UUID
}
