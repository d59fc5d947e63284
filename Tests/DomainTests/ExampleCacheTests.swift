import Domain
import Foundation
import MemoryAdapters
import Synchronization
import TestSupport
import Testing

/// Counts the reads that reach the store, and can make them slow (to hold a read open while others arrive).
final class CountingExampleRepository: ExampleRepository {
    let base: any ExampleRepository
    let finds = Mutex(0)
    let lists = Mutex(0)
    let delay: Duration

    init(base: any ExampleRepository, delay: Duration = .zero) {
        self.base = base
        self.delay = delay
    }

    func insert(_ example: Example) async throws { try await base.insert(example) }
    func update(_ example: Example) async throws -> Bool { try await base.update(example) }
    func softDelete(id: UUID, at: Date) async throws -> Bool { try await base.softDelete(id: id, at: at) }
    func search(_ query: SearchQuery, page: PageRequest) async throws -> Page<SearchHit<Example>> { try await base.search(query, page: page) }

    func find(id: UUID) async throws -> Example? {
        finds.withLock { $0 += 1 }
        if delay > .zero { try await Task.sleep(for: delay) }
        return try await base.find(id: id)
    }

    func list(search: String?, page: PageRequest) async throws -> Page<Example> {
        lists.withLock { $0 += 1 }
        return try await base.list(search: search, page: page)
    }
}

/// A cache that cannot be reached.
struct UnreachableCache: Cache {
    func value(for key: String) async throws -> String? { throw DomainError.unavailable("redis") }
    func set(_ value: String, for key: String, timeToLive: TimeInterval) async throws { throw DomainError.unavailable("redis") }
    func remove(_ key: String) async throws { throw DomainError.unavailable("redis") }
}

@Suite struct ExampleCacheTests {
    let clock = TestClock()
    let database = MemoryDatabase()
    let ids = SequentialIDs()
    let owner = principal(number: 900, role: .user)

    func service(_ repository: any ExampleRepository, cache: ExampleCache?) -> ExampleService {
        ExampleService(repository: repository, unitOfWork: database, clock: clock, ids: ids, cache: cache)
    }

    @Test func anExampleIsReadOnceThenServedFromTheCacheUntilItChanges() async throws {
        let repository = CountingExampleRepository(base: database.examples)
        let cache = ExampleCache(cache: CacheMemoryStore(), ids: ids)
        let service = service(repository, cache: cache)
        let created = try await service.create(ExampleDraft(name: .value("Harbour"), description: .value("quay")), by: owner)

        let first = try await service.get(id: created.id.uuidString)
        let second = try await service.get(id: created.id.uuidString)
        #expect(first == created && second == created)
        #expect(repository.finds.withLock { $0 } == 1)
        #expect(await cache.statistics == (hits: 1, misses: 1))

        let changed = try await service.update(id: created.id.uuidString, with: ExampleDraft(name: .value("Pier")), mode: .partial, by: owner)
        let afterChange = try await service.get(id: created.id.uuidString)
        try await service.delete(id: created.id.uuidString, by: owner)

        #expect(afterChange == changed)
        await #expect(throws: DomainError.notFound(resource: "Example")) { _ = try await service.get(id: created.id.uuidString) }
    }

    @Test func theFirstListPagesAreCachedWithTheirTotalAndEveryChangeRenewsThem() async throws {
        let repository = CountingExampleRepository(base: database.examples)
        let service = service(repository, cache: ExampleCache(cache: CacheMemoryStore(), ids: ids, maximumPage: 2))
        for name in ["A", "B", "C"] { _ = try await service.create(ExampleDraft(name: .value(name), description: .value(nil)), by: owner) }
        let page = try PageRequest.parse(page: "1", limit: "2")

        let first = try await service.list(search: nil, page: page)
        let again = try await service.list(search: nil, page: page)
        #expect(first == again)
        #expect(first.total == 3 && first.items.map(\.name) == ["C", "B"])
        #expect(repository.lists.withLock { $0 } == 1)

        _ = try await service.create(ExampleDraft(name: .value("D"), description: .value(nil)), by: owner)
        let afterCreate = try await service.list(search: nil, page: page)
        #expect(afterCreate.total == 4 && afterCreate.items.map(\.name) == ["D", "C"])

        // Searches and deep pages are not cached.
        _ = try await service.list(search: "A", page: page)
        _ = try await service.list(search: "A", page: page)
        _ = try await service.list(search: nil, page: try PageRequest.parse(page: "3", limit: "1"))
        _ = try await service.list(search: nil, page: try PageRequest.parse(page: "3", limit: "1"))
        #expect(repository.lists.withLock { $0 } == 6)
    }

    @Test func concurrentMissesOfOneExampleShareOneRead() async throws {
        let repository = CountingExampleRepository(base: database.examples, delay: .milliseconds(200))
        let service = service(repository, cache: ExampleCache(cache: CacheMemoryStore(), ids: ids))
        let created = try await service.create(ExampleDraft(name: .value("Harbour"), description: .value(nil)), by: owner)

        let results = try await withThrowingTaskGroup(of: Example.self) { group in
            for _ in 0..<20 { group.addTask { try await service.get(id: created.id.uuidString) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }

        #expect(results.count == 20 && results.allSatisfy { $0 == created })
        #expect(repository.finds.withLock { $0 } == 1)
    }

    @Test func aCacheThatCannotBeReachedIsAMissNotAFailure() async throws {
        let repository = CountingExampleRepository(base: database.examples)
        let service = service(repository, cache: ExampleCache(cache: UnreachableCache(), ids: ids))
        let created = try await service.create(ExampleDraft(name: .value("Harbour"), description: .value(nil)), by: owner)

        #expect(try await service.get(id: created.id.uuidString) == created)
        #expect(try await service.list(search: nil, page: PageRequest(page: 1, limit: 10)).total == 1)
        #expect(repository.finds.withLock { $0 } == 1)
    }

    /// Two instances, each with a cache of its own in memory, on one database and one bus: a change made through
    /// one reaches the other's cache through its event, and closes the race of a read that stored the old example
    /// after the writer's own invalidation.
    @Test func aChangeOnOneInstanceInvalidatesAnotherInstancesCacheThroughTheBus() async throws {
        let bus = EventMemoryBus()
        let cacheA = ExampleCache(cache: CacheMemoryStore(), ids: ids)
        let cacheB = ExampleCache(cache: CacheMemoryStore(), ids: ids)
        let instanceA = service(database.examples, cache: cacheA)
        let instanceB = service(database.examples, cache: cacheB)
        let invalidation = Task { await ExampleCacheInvalidation(cache: cacheB, bus: bus).run() }
        defer { invalidation.cancel() }
        let relay = OutboxRelay(outbox: database.outbox, queue: MemoryJobQueue(), events: bus, clock: clock)
        let created = try await instanceA.create(ExampleDraft(name: .value("Harbour"), description: .value(nil)), by: owner)
        while try await relay.relayBatch() > 0 {}
        #expect(try await instanceB.get(id: created.id.uuidString).name == "Harbour")
        #expect(try await instanceB.list(search: nil, page: PageRequest(page: 1, limit: 10)).total == 1)

        let changed = try await instanceA.update(id: created.id.uuidString, with: ExampleDraft(name: .value("Pier")), mode: .partial, by: owner)
        _ = try await instanceA.create(ExampleDraft(name: .value("Quay"), description: .value(nil)), by: owner)
        #expect(try await instanceB.get(id: created.id.uuidString).name == "Harbour")  // B has not heard yet
        while try await relay.relayBatch() > 0 {}
        // The events reach B's subscriber asynchronously: poll until both have been applied (or give up).
        var seen = try await instanceB.get(id: created.id.uuidString)
        var total = try await instanceB.list(search: nil, page: PageRequest(page: 1, limit: 10)).total
        for _ in 0..<100 where seen != changed || total != 2 {
            try await Task.sleep(for: .milliseconds(20))
            seen = try await instanceB.get(id: created.id.uuidString)
            total = try await instanceB.list(search: nil, page: PageRequest(page: 1, limit: 10)).total
        }

        #expect(seen == changed)
        #expect(total == 2)
    }
}
