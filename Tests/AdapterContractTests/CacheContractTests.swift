import Domain
import Foundation
import MemoryAdapters
import RedisAdapter
import Testing

/// Every adapter of `Cache`, with the same tests. Each Redis case works under a key prefix of its own.
enum CacheKind: String, CaseIterable, CustomStringConvertible, Sendable {
    case memory
    case redis

    var description: String { rawValue }

    func make() throws -> any Cache {
        switch self {
        case .memory: return CacheMemoryStore()
        case .redis:
            guard let client = try RedisTestServer.client() else { throw RedisMissing() }
            return RedisCache(client: client, prefix: RedisTestServer.freshPrefix())
        }
    }
}

@Suite struct CacheContractTests {
    @Test(arguments: CacheKind.allCases)
    func aValueIsKeptReplacedAndRemoved(kind: CacheKind) async throws {
        let cache = try kind.make()

        #expect(try await cache.value(for: "greeting") == nil)
        try await cache.set("hello", for: "greeting", timeToLive: 60)
        #expect(try await cache.value(for: "greeting") == "hello")
        try await cache.set("hello again ü", for: "greeting", timeToLive: 60)
        #expect(try await cache.value(for: "greeting") == "hello again ü")
        try await cache.remove("greeting")
        #expect(try await cache.value(for: "greeting") == nil)
        try await cache.remove("never-set")
    }

    @Test(arguments: CacheKind.allCases)
    func aValueIsGoneAfterItsTimeToLive(kind: CacheKind) async throws {
        let cache = try kind.make()
        try await cache.set("short", for: "brief", timeToLive: 0.2)
        try await cache.set("long", for: "lasting", timeToLive: 60)

        try await Task.sleep(for: .milliseconds(600))

        #expect(try await cache.value(for: "brief") == nil)
        #expect(try await cache.value(for: "lasting") == "long")
    }

    @Test(arguments: CacheKind.allCases)
    func keysAreSeparate(kind: CacheKind) async throws {
        let cache = try kind.make()
        try await cache.set("1", for: "a", timeToLive: 60)
        try await cache.set("2", for: "b", timeToLive: 60)

        #expect(try await cache.value(for: "a") == "1")
        #expect(try await cache.value(for: "b") == "2")
    }

    @Test func aMemoryCacheHoldsAtMostItsMaximumAndKeepsWorking() async throws {
        let cache = CacheMemoryStore(pruneEvery: 1_000_000, maximumEntries: 100)
        for number in 0..<1000 { await cache.set("v\(number)", for: "k\(number)", timeToLive: 60) }

        #expect(await cache.count <= 100)
        #expect(await cache.value(for: "k999") == "v999")
    }
}
