import Foundation

/// The example resource: the pattern every Portside module copies.
public struct Example: Sendable, Equatable, Identifiable {
    public let id: UUID
    public var name: String
    public var description: String?
    public let createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, name: String, description: String?, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.name = name
        self.description = description
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
