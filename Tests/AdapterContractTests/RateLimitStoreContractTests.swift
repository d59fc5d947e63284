import Domain
import Foundation
import MemoryAdapters
import RedisAdapter
import Testing

/// Every adapter of `RateLimitStore`, with the same tests.
enum RateLimitStoreKind: String, CaseIterable, CustomStringConvertible, Sendable {
    case memory
    case redis

    var description: String { rawValue }

    func make() throws -> any RateLimitStore {
        switch self {
        case .memory: return RateLimitMemoryStore()
        case .redis:
            guard let client = try RedisTestServer.client() else { throw RedisMissing() }
            return RedisRateLimitStore(client: client, prefix: RedisTestServer.freshPrefix())
        }
    }
}

@Suite struct RateLimitStoreContractTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(arguments: RateLimitStoreKind.allCases)
    func allowsUpToTheLimitThenRefusesUntilTheWindowEnds(kind: RateLimitStoreKind) async throws {
        let store = try kind.make()
        var decisions: [RateLimitDecision] = []
        for _ in 0..<4 { decisions.append(try await store.hit(key: "a", limit: 3, window: 60, now: start)) }
        let nextWindow = try await store.hit(key: "a", limit: 3, window: 60, now: start.addingTimeInterval(60))

        #expect(decisions.map(\.allowed) == [true, true, true, false])
        #expect(decisions.map(\.remaining) == [2, 1, 0, 0])
        #expect(decisions[3].resetAt == start.addingTimeInterval(60))
        #expect(nextWindow.allowed)
        #expect(nextWindow.remaining == 2)
    }

    @Test(arguments: RateLimitStoreKind.allCases)
    func keysAreCountedSeparately(kind: RateLimitStoreKind) async throws {
        let store = try kind.make()
        _ = try await store.hit(key: "a", limit: 1, window: 60, now: start)
        let other = try await store.hit(key: "b", limit: 1, window: 60, now: start)
        #expect(other.allowed)
    }

    @Test(arguments: RateLimitStoreKind.allCases)
    func concurrentHitsNeverExceedTheLimit(kind: RateLimitStoreKind) async throws {
        let store = try kind.make()
        let allowed = try await withThrowingTaskGroup(of: Bool.self, returning: Int.self) { group in
            for _ in 0..<50 { group.addTask { try await store.hit(key: "burst", limit: 10, window: 60, now: start).allowed } }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(allowed == 10)
    }

    @Test func expiredMemoryCountersArePruned() async throws {
        let store = RateLimitMemoryStore(pruneEvery: 10)
        for index in 0..<9 { _ = await store.hit(key: "old-\(index)", limit: 5, window: 60, now: start) }
        _ = await store.hit(key: "new", limit: 5, window: 60, now: start.addingTimeInterval(120))
        #expect(await store.trackedKeys == 1)
    }
}
