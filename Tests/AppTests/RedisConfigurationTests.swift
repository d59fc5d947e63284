import Domain
import Foundation
import MemoryAdapters
import Synchronization
import Testing

@testable import App

@Suite struct RedisConfigurationTests {
    @Test func redisIsOptionalAndShownWithoutItsPassword() throws {
        #expect(try Configuration.parse([:]).redis == nil)

        let configuration = try Configuration.parse(["REDIS_URL": "redis://:hunter2@cache.internal:6380/1", "REDIS_POOL_SIZE": "16"])

        #expect(configuration.redis?.url.value == "redis://:hunter2@cache.internal:6380/1")
        #expect(configuration.redisPoolSize == 16)
        #expect(configuration.description.contains("REDIS_URL=redis://:***@cache.internal:6380/1"))
        #expect(!configuration.description.contains("hunter2"))
    }

    @Test func productionWithRedisLeavesJobsToTheWorkerProcessAndOffNeedsRedis() throws {
        let production = [
            "APP_ENV": "production", "DATABASE_URL": "postgres://app@db.internal/app",
            "JWT_SECRET": "Vq3xR8mZt2Lk9WcY4pHn7BsJ1dGf6TaU0eKr5NyQw8Zi3XoM2vCb7LhS9jPg4uDt",
            "MAIL_URL": "file:/var/mail/portside", "PUBLIC_BASE_URL": "https://app.example.com", "METRICS_TOKEN": "scrape-token-0123456789",
        ]
        #expect(try Configuration.parse(production.merging(["REDIS_URL": "redis://cache.internal"]) { $1 }).workerMode == .off)
        #expect(try Configuration.parse(production).workerMode == .inline)
        #expect(try Configuration.parse(["REDIS_URL": "redis://cache.internal"]).workerMode == .inline)

        let error = #expect(throws: ConfigurationError.self) { try Configuration.parse(["WORKER_MODE": "off"]) }
        #expect(error?.problems == ["WORKER_MODE: off needs REDIS_URL: without it jobs are queued in this process, and only inline runs them"])
    }

    @Test(arguments: [
        ("rediss://:hunter2@cache.internal", "uses rediss://, but TLS to Redis is not supported: use redis:// on a private network"),
        ("redis://:hunter2@cache.internal/99", "the path must be a database number from 0 to 15 (redis://host:6379/0)"),
        ("memcached://:hunter2@cache.internal", "must start with redis://"),
    ])
    func aBadRedisURLIsReportedWithoutItsPassword(url: String, message: String) {
        let error = #expect(throws: ConfigurationError.self) { try Configuration.parse(["REDIS_URL": url]) }

        #expect(error?.problems == ["REDIS_URL: \(message)"])
        #expect(error?.description.contains("hunter2") == false)
    }

    @Test func rateLimitsAreCountedInTheInstanceWhileRedisIsDownAndSharedAgainAfter() async throws {
        let shared = SwitchableStore()
        let store = ResilientRateLimitStore(shared: shared, logger: .init(label: "test"))
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        shared.isDown.withLock { $0 = true }

        var duringOutage: [Bool] = []
        for _ in 0..<3 { duringOutage.append(try await store.hit(key: "k", limit: 2, window: 60, now: now).allowed) }
        shared.isDown.withLock { $0 = false }
        let afterwards = try await store.hit(key: "k", limit: 2, window: 60, now: now)

        #expect(duringOutage == [true, true, false])
        #expect(afterwards.allowed)
        #expect(shared.hits.withLock { $0 } == 1)
    }

    @Test func failedSignInsAreThrottledInTheInstanceWhileRedisIsDown() async throws {
        let shared = SwitchableStore()
        let store = ResilientRateLimitStore(shared: shared, logger: .init(label: "test"))
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let policy = ThrottlePolicy(freeFailures: 2, maximumWait: 60, forgetAfter: 3600)
        shared.isDown.withLock { $0 = true }

        var duringOutage: [ThrottleDecision] = []
        for _ in 0..<3 { duringOutage.append(try await store.reserveAttempt(key: "k", policy: policy, now: now)) }
        try await store.clearFailures(key: "k")

        #expect(duringOutage == [.allowed, .allowed, .refused(until: now.addingTimeInterval(1))])
        #expect(try await store.failures(key: "k", policy: policy, now: now) == ThrottleState())
    }
}

/// A shared store that can be switched off, as Redis can go down.
private final class SwitchableStore: RateLimitStore {
    let isDown = Mutex(false)
    let hits = Mutex(0)
    let counting = RateLimitMemoryStore()

    func hit(key: String, limit: Int, window: TimeInterval, now: Date) async throws -> RateLimitDecision {
        if isDown.withLock({ $0 }) { throw DomainError.unavailable("redis") }
        hits.withLock { $0 += 1 }
        return await counting.hit(key: key, limit: limit, window: window, now: now)
    }

    func reserveAttempt(key: String, policy: ThrottlePolicy, now: Date) async throws -> ThrottleDecision {
        if isDown.withLock({ $0 }) { throw DomainError.unavailable("redis") }
        return await counting.reserveAttempt(key: key, policy: policy, now: now)
    }

    func forgiveAttempt(key: String, reservedAt: Date) async throws {
        if isDown.withLock({ $0 }) { throw DomainError.unavailable("redis") }
        await counting.forgiveAttempt(key: key, reservedAt: reservedAt)
    }

    func clearFailures(key: String) async throws {
        if isDown.withLock({ $0 }) { throw DomainError.unavailable("redis") }
        await counting.clearFailures(key: key)
    }

    func failures(key: String, policy: ThrottlePolicy, now: Date) async throws -> ThrottleState {
        if isDown.withLock({ $0 }) { throw DomainError.unavailable("redis") }
        return await counting.failures(key: key, policy: policy, now: now)
    }
}
