import Foundation

/// The example use cases: list, read, create, replace, change and delete.
public struct ExampleService: Sendable {
    public static let searchMaxLength = 200

    private let repository: any ExampleRepository
    private let unitOfWork: any UnitOfWork
    private let clock: any WallClock
    private let ids: any IDGenerator
    private let requireVerifiedEmail: Bool
    private let cache: ExampleCache?

    /// With `requireVerifiedEmail`, only users who verified their email address may create examples.
    /// With a cache, reads by id and of the first list pages go through it, and every change invalidates it once committed.
    public init(
        repository: any ExampleRepository, unitOfWork: any UnitOfWork, clock: any WallClock, ids: any IDGenerator, requireVerifiedEmail: Bool = true,
        cache: ExampleCache? = nil
    ) {
        self.cache = cache
        self.repository = repository
        self.unitOfWork = unitOfWork
        self.clock = clock
        self.ids = ids
        self.requireVerifiedEmail = requireVerifiedEmail
    }

    /// Lists live examples, newest first, optionally filtered by a substring of name or description.
    public func list(search: String?, page: PageRequest) async throws -> Page<Example> {
        let term = search?.trimmingWhitespace()
        // Code points, not Characters: one Character may hold any number of combining marks.
        if let term, term.unicodeScalars.count > Self.searchMaxLength {
            throw DomainError.validation([FieldError(field: "search", message: "search must be at most 200 characters")])
        }
        let search = term?.isEmpty == false ? term : nil
        // Each line about the cache stands alone: a module generated from this one leaves them out.
        if let cache, search == nil { return try await cache.page(page) { [repository] in try await repository.list(search: nil, page: page) } }
        return try await repository.list(search: search, page: page)
    }

    /// Searches live examples in full text (`SearchQuery` syntax), best match first.
    public func search(_ text: String, page: PageRequest) async throws -> Page<SearchHit<Example>> {
        let query = try SearchQuery.parse(text)
        guard !query.isEmpty else { return Page(items: [], total: 0, request: page) }
        return try await repository.search(query, page: page)
    }

    /// Returns the live example with this id.
    public func get(id: String) async throws -> Example {
        let id = try Self.parseID(id)
        if let cached = try await cache?.example(id, load: { [repository] in try await repository.find(id: id) }) { return cached }
        guard let example = try await repository.find(id: id) else { throw DomainError.notFound(resource: "Example") }
        return example
    }

    /// Creates an example owned by the caller from a complete draft.
    public func create(_ draft: ExampleDraft, by principal: Principal) async throws -> Example {
        try principal.require(.writeOwnExamples)
        if requireVerifiedEmail, !principal.user.emailVerified {
            throw DomainError.forbidden("Verify your email address before creating examples")
        }
        let values = try draft.validated(.complete)
        let now = clock.now().truncatedToMilliseconds
        let example = Example(
            id: ids.makeID(),
            ownerID: principal.user.id,
            name: values.name ?? "",
            description: values.description ?? nil,
            createdAt: now,
            updatedAt: now
        )
        let event = DomainEvent.example("created", example, id: ids.makeID(), at: now)
        try await unitOfWork.transaction { repositories in
            try await repositories.examples.insert(example)
            try await repositories.outbox.add(event.outboxRequest, now: now)
        }
        await cache?.invalidate(exampleID: example.id)
        return example
    }

    /// Replaces name and description (PUT) or changes the fields present (PATCH): the owner or an administrator
    /// may; anyone else is told the example does not exist.
    public func update(id: String, with draft: ExampleDraft, mode: ExampleDraft.Mode, by principal: Principal) async throws -> Example {
        let id = try Self.parseID(id)
        let values = try draft.validated(mode)
        let now = clock.now().truncatedToMilliseconds
        let eventID = ids.makeID()
        // Read and write in one transaction: two concurrent PATCHes of different fields both survive.
        let updated = try await unitOfWork.transaction { repositories in
            guard var example = try await repositories.examples.find(id: id), Self.mayChange(example, principal) else {
                throw DomainError.notFound(resource: "Example")
            }
            if let name = values.name { example.name = name }
            if let description = values.description { example.description = description }
            example.updatedAt = max(now, example.createdAt)
            guard try await repositories.examples.update(example) else { throw DomainError.notFound(resource: "Example") }
            try await repositories.outbox.add(DomainEvent.example("updated", example, id: eventID, at: now).outboxRequest, now: now)
            return example
        }
        await cache?.invalidate(exampleID: id)
        return updated
    }

    /// Deletes an example (softly: it is kept but no longer found); the same rule as for changes applies.
    public func delete(id: String, by principal: Principal) async throws {
        let id = try Self.parseID(id)
        let now = clock.now().truncatedToMilliseconds
        let eventID = ids.makeID()
        try await unitOfWork.transaction { repositories in
            guard let example = try await repositories.examples.find(id: id), Self.mayChange(example, principal),
                try await repositories.examples.softDelete(id: id, at: now)
            else { throw DomainError.notFound(resource: "Example") }
            // Its attachments go with it: the records now, the objects by a job once this commits.
            let attachments = try await repositories.attachments.deleteAll(exampleID: id)
            try await ObjectDeletion.schedule(attachments.map(\.key), in: repositories, now: now)
            try await repositories.outbox.add(DomainEvent.example("deleted", example, id: eventID, at: now).outboxRequest, now: now)
        }
        await cache?.invalidate(exampleID: id)
    }

    /// The owner may change their example (with the permission to write their own); an administrator may change any.
    static func mayChange(_ example: Example, _ principal: Principal) -> Bool {
        if principal.allows(.writeAnyExample) { return true }
        return principal.allows(.writeOwnExamples) && example.ownerID == principal.user.id
    }

    private static func parseID(_ raw: String) throws(DomainError) -> UUID {
        // An id that cannot exist is simply not found: the answer does not depend on how the id is malformed.
        guard let id = UUID(uuidString: raw) else { throw .notFound(resource: "Example") }
        return id
    }
}

extension DomainEvent {
    /// `example.created`, `example.updated` or `example.deleted`, for everyone signed in (examples are public).
    static func example(_ verb: String, _ example: Example, id: UUID, at now: Date) -> DomainEvent {
        var data = ["exampleId": example.id.uuidString.lowercased()]
        data["ownerId"] = example.ownerID?.uuidString.lowercased()
        return DomainEvent(id: id, type: "example.\(verb)", audience: .everyone, data: data, occurredAt: now)
    }
}
