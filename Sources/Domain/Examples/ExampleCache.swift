import Foundation

/// Read-through caching of the example reads that dominate traffic: one example by id, and the first pages of the
/// unfiltered list (items and total). Entries live `timeToLive` seconds in the `Cache` (Redis, shared by every
/// instance, or this process's memory).
///
/// - **Invalidation.** After a change commits, the service drops the example's entry and starts a new list
///   generation (list pages are cached under the generation they were read in, so a page read before a change can
///   never be found after it). The change's event does the same on every instance when the bus delivers it
///   (`ExampleCacheInvalidation`): that reaches per-process caches, and closes the one race left, a read that missed
///   before the change and stores the old example after the service's own invalidation.
/// - **Stampedes.** Concurrent misses of one key in one process share one database read.
/// - **Failures.** A cache that cannot be reached is a miss: reads go to the database, never fail because of it.
public final class ExampleCache: Sendable {
    private let cache: any Cache
    private let timeToLive: TimeInterval
    private let maximumPage: Int
    private let ids: any IDGenerator
    private let flights = SingleFlight()
    private let counts = LookupCounts()

    /// - Parameters:
    ///   - timeToLive: How long an entry is kept (seconds).
    ///   - maximumPage: The last list page cached (deeper pages are rarely read twice).
    ///   - ids: Makes the list generation tokens.
    public init(cache: any Cache, ids: any IDGenerator, timeToLive: TimeInterval = 60, maximumPage: Int = 5) {
        self.cache = cache
        self.ids = ids
        self.timeToLive = timeToLive
        self.maximumPage = maximumPage
    }

    /// Lookups answered from the cache, and those that went to the database, since the process started.
    public var statistics: (hits: Int, misses: Int) {
        get async { await counts.value }
    }

    /// The example with this id, from the cache or from `load` (whose answer is then kept; an absent example is not).
    public func example(_ id: UUID, load: @escaping @Sendable () async throws -> Example?) async throws -> Example? {
        let key = "examples:v1:id:\(id.uuidString.lowercased())"
        if let text = try? await cache.value(for: key), let cached = CachedExample.decode(text) {
            await counts.record(hit: true)
            return cached.example
        }
        await counts.record(hit: false)
        let text = try await flights.run(key) { [cache, timeToLive] in
            guard let example = try await load() else { return nil }
            let text = CachedExample(example).encoded
            try? await cache.set(text, for: key, timeToLive: timeToLive)
            return text
        }
        return text.flatMap(CachedExample.decode)?.example
    }

    /// A page of the unfiltered list, from the cache (the first `maximumPage` pages) or from `load`.
    public func page(_ request: PageRequest, load: @escaping @Sendable () async throws -> Page<Example>) async throws -> Page<Example> {
        guard request.page <= maximumPage, let generation = await generation() else { return try await load() }
        let key = "examples:v1:list:\(generation):\(request.page):\(request.limit)"
        if let text = try? await cache.value(for: key), let cached = CachedPage.decode(text) {
            await counts.record(hit: true)
            return Page(items: cached.items.map(\.example), total: cached.total, request: request)
        }
        await counts.record(hit: false)
        let text = try await flights.run(key) { [cache, timeToLive] in
            let page = try await load()
            let text = CachedPage(items: page.items.map(CachedExample.init), total: page.total).encoded
            try? await cache.set(text, for: key, timeToLive: timeToLive)
            return text
        }
        guard let cached = text.flatMap(CachedPage.decode) else { return try await load() }
        return Page(items: cached.items.map(\.example), total: cached.total, request: request)
    }

    /// Forgets what a change to the example `id` made stale: its own entry and every list page.
    public func invalidate(exampleID id: UUID?) async {
        if let id { try? await cache.remove("examples:v1:id:\(id.uuidString.lowercased())") }
        try? await cache.set(ids.makeID().uuidString.lowercased(), for: Self.generationKey, timeToLive: 86_400)
    }

    private static let generationKey = "examples:v1:generation"

    /// The current list generation (a new one when none is kept); nil when the cache cannot be reached.
    private func generation() async -> String? {
        do {
            if let current = try await cache.value(for: Self.generationKey) { return current }
            let fresh = ids.makeID().uuidString.lowercased()
            try await cache.set(fresh, for: Self.generationKey, timeToLive: 86_400)
            return fresh
        } catch {
            return nil
        }
    }
}

/// Keeps the example cache in step with changes made anywhere: every `example.*` event the bus delivers invalidates
/// what it made stale. Run one per process for as long as it lives.
public struct ExampleCacheInvalidation: Sendable {
    private let cache: ExampleCache
    private let bus: any EventBus

    public init(cache: ExampleCache, bus: any EventBus) {
        self.cache = cache
        self.bus = bus
    }

    /// Follows the bus until the task is cancelled. When this subscriber falls behind and is cut off, events may have
    /// been missed: every list page is invalidated, and it subscribes again.
    public func run() async {
        while !Task.isCancelled {
            for await published in bus.live() where published.event.type.hasPrefix("example.") {
                await cache.invalidate(exampleID: published.event.data["exampleId"].flatMap(UUID.init(uuidString:)))
            }
            // The stream also ends when the process stops: then there is nothing to catch up on.
            guard !Task.isCancelled else { return }
            await cache.invalidate(exampleID: nil)
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
}

/// Lookups answered from the cache and from the database.
actor LookupCounts {
    private(set) var value = (hits: 0, misses: 0)

    func record(hit: Bool) {
        if hit {
            value.hits += 1
        } else {
            value.misses += 1
        }
    }
}

/// Runs one load per key at a time in this process: callers that ask while it runs wait for its answer.
actor SingleFlight {
    private var running: [String: Task<String?, any Error>] = [:]

    func run(_ key: String, _ work: @escaping @Sendable () async throws -> String?) async throws -> String? {
        if let task = running[key] { return try await task.value }
        let task = Task { try await work() }
        running[key] = task
        defer { running[key] = nil }
        return try await task.value
    }
}

/// An example as the cache keeps it (JSON; times in milliseconds).
struct CachedExample: Codable {
    let id: UUID
    let ownerID: UUID?
    let name: String
    let description: String?
    let createdAt: Int64
    let updatedAt: Int64

    init(_ example: Example) {
        id = example.id
        ownerID = example.ownerID
        name = example.name
        description = example.description
        createdAt = Int64((example.createdAt.timeIntervalSince1970 * 1000).rounded())
        updatedAt = Int64((example.updatedAt.timeIntervalSince1970 * 1000).rounded())
    }

    var example: Example {
        Example(
            id: id, ownerID: ownerID, name: name, description: description, createdAt: Date(timeIntervalSince1970: Double(createdAt) / 1000),
            updatedAt: Date(timeIntervalSince1970: Double(updatedAt) / 1000))
    }

    var encoded: String { String(decoding: (try? JSONEncoder().encode(self)) ?? Data(), as: UTF8.self) }

    static func decode(_ text: String) -> CachedExample? { try? JSONDecoder().decode(Self.self, from: Data(text.utf8)) }
}

/// A list page as the cache keeps it.
struct CachedPage: Codable {
    let items: [CachedExample]
    let total: Int

    var encoded: String { String(decoding: (try? JSONEncoder().encode(self)) ?? Data(), as: UTF8.self) }

    static func decode(_ text: String) -> CachedPage? { try? JSONDecoder().decode(Self.self, from: Data(text.utf8)) }
}
