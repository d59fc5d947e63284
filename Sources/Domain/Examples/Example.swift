import Foundation

/// The example resource: the pattern every Portside module copies.
public struct Example: Sendable, Equatable, Identifiable {
    public let id: UUID
    /// The user who created it (nil for examples made before accounts existed: only admins may change those).
    public let ownerID: UUID?
    public var name: String
    public var description: String?
    public let createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, ownerID: UUID? = nil, name: String, description: String?, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.ownerID = ownerID
        self.name = name
        self.description = description
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

extension Example {
    /// What a full-text search looks at: the name, weighted above the description (as the database indexes weigh
    /// them).
    public var searchFields: [SearchField] {
        [SearchField(name: "name", text: name, weight: 10), SearchField(name: "description", text: description, weight: 1)]
    }
}
