import Domain
import Foundation
import MemoryAdapters
import Testing

@testable import RedisAdapter

/// The failure throttles of every `RateLimitStore` adapter, with the same tests.
@Suite struct FailureThrottleContractTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    let policy = ThrottlePolicy(freeFailures: 2, firstWait: 1, maximumWait: 8, forgetAfter: 3600)

    @Test(arguments: RateLimitStoreKind.allCases)
    func freeFailuresThenWaitsThatDoubleUpToTheMaximum(kind: RateLimitStoreKind) async throws {
        let store = try kind.make()
        var now = start
        var waits: [TimeInterval] = []
        for _ in 0..<8 {
            switch try await store.reserveAttempt(key: "a", policy: policy, now: now) {
            case .allowed: waits.append(0)
            case .refused(let until):
                waits.append(until.timeIntervalSince(now))
                now = until
                #expect(try await store.reserveAttempt(key: "a", policy: policy, now: now) == .allowed)
            }
        }

        #expect(waits == [0, 0, 1, 2, 4, 8, 8, 8])
        #expect(try await store.failures(key: "a", policy: policy, now: now).failures == 8)
    }

    @Test(arguments: RateLimitStoreKind.allCases)
    func aRefusedAttemptCountsNothing(kind: RateLimitStoreKind) async throws {
        let store = try kind.make()
        for _ in 0..<2 { _ = try await store.reserveAttempt(key: "a", policy: policy, now: start) }

        let refusals = [
            try await store.reserveAttempt(key: "a", policy: policy, now: start),
            try await store.reserveAttempt(key: "a", policy: policy, now: start.addingTimeInterval(0.5)),
        ]

        #expect(refusals == Array(repeating: .refused(until: start.addingTimeInterval(1)), count: 2))
        #expect(try await store.failures(key: "a", policy: policy, now: start) == ThrottleState(failures: 2, lastFailureAt: start))
    }

    @Test(arguments: RateLimitStoreKind.allCases)
    func failuresAreForgottenAfterAQuietPeriod(kind: RateLimitStoreKind) async throws {
        let store = try kind.make()
        for _ in 0..<2 { _ = try await store.reserveAttempt(key: "a", policy: policy, now: start) }
        let later = start.addingTimeInterval(3600)

        #expect(try await store.failures(key: "a", policy: policy, now: later) == ThrottleState())
        #expect(try await store.reserveAttempt(key: "a", policy: policy, now: later) == .allowed)
        #expect(try await store.reserveAttempt(key: "a", policy: policy, now: later) == .allowed)
        #expect(try await store.reserveAttempt(key: "a", policy: policy, now: later) == .refused(until: later.addingTimeInterval(1)))
    }

    @Test(arguments: RateLimitStoreKind.allCases)
    func attemptsThatDidNotFailNeverKeepFailuresFromBeingForgotten(kind: RateLimitStoreKind) async throws {
        let store = try kind.make()
        _ = try await store.reserveAttempt(key: "office", policy: policy, now: start)
        // An hour of people signing in with the right password from the same address: each attempt is taken, then
        // given back.
        for minute in 1...59 {
            let at = start.addingTimeInterval(Double(minute) * 60)
            #expect(try await store.reserveAttempt(key: "office", policy: policy, now: at) == .allowed)
            try await store.forgiveAttempt(key: "office", reservedAt: at)
        }

        let before = try await store.failures(key: "office", policy: policy, now: start.addingTimeInterval(3599))
        let after = try await store.failures(key: "office", policy: policy, now: start.addingTimeInterval(3601))
        #expect(before == ThrottleState(failures: 1, lastFailureAt: start))
        #expect(after == ThrottleState())
    }

    @Test(arguments: RateLimitStoreKind.allCases)
    func forgivingGivesOneAttemptBackAndClearingForgetsThemAll(kind: RateLimitStoreKind) async throws {
        let store = try kind.make()
        for _ in 0..<2 { _ = try await store.reserveAttempt(key: "a", policy: policy, now: start) }
        _ = try await store.reserveAttempt(key: "b", policy: policy, now: start)

        try await store.forgiveAttempt(key: "a", reservedAt: start)
        let afterForgiving = try await store.reserveAttempt(key: "a", policy: policy, now: start)
        try await store.clearFailures(key: "a")
        try await store.forgiveAttempt(key: "never-counted", reservedAt: start)

        #expect(afterForgiving == .allowed)
        #expect(try await store.failures(key: "a", policy: policy, now: start) == ThrottleState())
        #expect(try await store.failures(key: "b", policy: policy, now: start).failures == 1)
        #expect(try await store.failures(key: "never-counted", policy: policy, now: start) == ThrottleState())
    }

    @Test(arguments: RateLimitStoreKind.allCases)
    func concurrentAttemptsNeverTakeMoreThanTheFreeFailures(kind: RateLimitStoreKind) async throws {
        let store = try kind.make()
        let policy = ThrottlePolicy(freeFailures: 5, maximumWait: 60, forgetAfter: 3600)
        let allowed = try await withThrowingTaskGroup(of: Bool.self, returning: Int.self) { group in
            for _ in 0..<40 { group.addTask { try await store.reserveAttempt(key: "burst", policy: policy, now: start) == .allowed } }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(allowed == 5)
    }

    @Test func twoInstancesOnOneRedisShareOneThrottle() async throws {
        guard let url = try RedisTestServer.url() else { return }
        let first = RedisClient(url: url, poolSize: 2, logger: redisLogger)
        let second = RedisClient(url: url, poolSize: 2, logger: redisLogger)
        let prefix = RedisTestServer.freshPrefix()
        let stores = [RedisRateLimitStore(client: first, prefix: prefix), RedisRateLimitStore(client: second, prefix: prefix)]
        let policy = ThrottlePolicy(freeFailures: 4, maximumWait: 60, forgetAfter: 3600)

        let allowed = try await withThrowingTaskGroup(of: Bool.self, returning: Int.self) { group in
            for index in 0..<30 {
                group.addTask { try await stores[index % 2].reserveAttempt(key: "shared", policy: policy, now: start) == .allowed }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        try await stores[1].clearFailures(key: "shared")
        let afterClearing = try await stores[0].reserveAttempt(key: "shared", policy: policy, now: start)

        #expect(allowed == 4)
        #expect(afterClearing == .allowed)
        await first.close()
        await second.close()
    }

    @Test func aThrottleExpiresWhenItsFailuresAreForgotten() async throws {
        guard let client = try RedisTestServer.client() else { return }
        let prefix = RedisTestServer.freshPrefix()
        let store = RedisRateLimitStore(client: client, prefix: prefix)
        let now = Date()
        _ = try await store.reserveAttempt(key: "k", policy: policy, now: now)

        let keys = try await client.send(["KEYS", prefix + "*"]).array.compactMap(\.string)
        let lifetime = try await client.send(["PTTL", try #require(keys.first)]).int ?? -1

        #expect(keys.count == 1)
        #expect(lifetime > 0)
        #expect(lifetime <= 3_600_000)
    }

    @Test func forgottenMemoryThrottlesArePruned() async throws {
        let store = RateLimitMemoryStore(pruneEvery: 10)
        for index in 0..<9 { _ = await store.reserveAttempt(key: "old-\(index)", policy: policy, now: start) }
        _ = await store.reserveAttempt(key: "new", policy: policy, now: start.addingTimeInterval(7200))
        #expect(await store.trackedKeys == 1)
    }
}
