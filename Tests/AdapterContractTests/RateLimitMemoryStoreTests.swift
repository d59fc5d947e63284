import Domain
import Foundation
import MemoryAdapters
import Testing

@Suite struct RateLimitMemoryStoreTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func allowsUpToTheLimitThenRefusesUntilTheWindowEnds() async throws {
        let store = RateLimitMemoryStore()
        var decisions: [RateLimitDecision] = []
        for _ in 0..<4 { decisions.append(await store.hit(key: "a", limit: 3, window: 60, now: start)) }
        let nextWindow = await store.hit(key: "a", limit: 3, window: 60, now: start.addingTimeInterval(60))

        #expect(decisions.map(\.allowed) == [true, true, true, false])
        #expect(decisions.map(\.remaining) == [2, 1, 0, 0])
        #expect(decisions[3].resetAt == start.addingTimeInterval(60))
        #expect(nextWindow.allowed)
        #expect(nextWindow.remaining == 2)
    }

    @Test func keysAreCountedSeparately() async throws {
        let store = RateLimitMemoryStore()
        _ = await store.hit(key: "a", limit: 1, window: 60, now: start)
        let other = await store.hit(key: "b", limit: 1, window: 60, now: start)
        #expect(other.allowed)
    }

    @Test func expiredCountersArePruned() async throws {
        let store = RateLimitMemoryStore(pruneEvery: 10)
        for index in 0..<9 { _ = await store.hit(key: "old-\(index)", limit: 5, window: 60, now: start) }
        _ = await store.hit(key: "new", limit: 5, window: 60, now: start.addingTimeInterval(120))
        #expect(await store.trackedKeys == 1)
    }
}
