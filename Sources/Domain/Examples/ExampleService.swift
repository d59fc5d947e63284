import Foundation

/// The example use cases: list, read, create, replace, change and delete.
public struct ExampleService: Sendable {
    public static let searchMaxLength = 200

    private let repository: any ExampleRepository
    private let unitOfWork: any UnitOfWork
    private let clock: any WallClock
    private let ids: any IDGenerator

    public init(repository: any ExampleRepository, unitOfWork: any UnitOfWork, clock: any WallClock, ids: any IDGenerator) {
        self.repository = repository
        self.unitOfWork = unitOfWork
        self.clock = clock
        self.ids = ids
    }

    /// Lists live examples, newest first, optionally filtered by a substring of name or description.
    public func list(search: String?, page: PageRequest) async throws -> Page<Example> {
        let term = search?.trimmingWhitespace()
        if let term, term.count > Self.searchMaxLength {
            throw DomainError.validation([FieldError(field: "search", message: "search must be at most 200 characters")])
        }
        return try await repository.list(search: term?.isEmpty == false ? term : nil, page: page)
    }

    /// Returns the live example with this id.
    public func get(id: String) async throws -> Example {
        let id = try Self.parseID(id)
        guard let example = try await repository.find(id: id) else { throw DomainError.notFound(resource: "Example") }
        return example
    }

    /// Creates an example from a complete draft.
    public func create(_ draft: ExampleDraft) async throws -> Example {
        let values = try draft.validated(.complete)
        let now = clock.now().truncatedToMilliseconds
        let example = Example(
            id: ids.makeID(),
            name: values.name ?? "",
            description: values.description ?? nil,
            createdAt: now,
            updatedAt: now
        )
        try await repository.insert(example)
        return example
    }

    /// Replaces name and description (PUT) or changes the fields present (PATCH).
    public func update(id: String, with draft: ExampleDraft, mode: ExampleDraft.Mode) async throws -> Example {
        let id = try Self.parseID(id)
        let values = try draft.validated(mode)
        let now = clock.now().truncatedToMilliseconds
        // Read and write in one transaction: two concurrent PATCHes of different fields both survive.
        return try await unitOfWork.transaction { repositories in
            guard var example = try await repositories.examples.find(id: id) else { throw DomainError.notFound(resource: "Example") }
            if let name = values.name { example.name = name }
            if let description = values.description { example.description = description }
            example.updatedAt = max(now, example.createdAt)
            guard try await repositories.examples.update(example) else { throw DomainError.notFound(resource: "Example") }
            return example
        }
    }

    /// Deletes an example (softly: it is kept but no longer found).
    public func delete(id: String) async throws {
        let id = try Self.parseID(id)
        guard try await repository.softDelete(id: id, at: clock.now().truncatedToMilliseconds) else {
            throw DomainError.notFound(resource: "Example")
        }
    }

    private static func parseID(_ raw: String) throws(DomainError) -> UUID {
        // An id that cannot exist is simply not found: the answer does not depend on how the id is malformed.
        guard let id = UUID(uuidString: raw) else { throw .notFound(resource: "Example") }
        return id
    }
}
