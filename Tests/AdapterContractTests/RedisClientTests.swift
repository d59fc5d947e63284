import Domain
import Foundation
import TestSupport
import Testing

@testable import RedisAdapter

/// What the Redis client adds to the contracts: URLs, error replies, scripts Redis has forgotten, an unreachable
/// server, two instances sharing one limit, and counters that expire on their own.
@Suite(.timeLimit(.minutes(2))) struct RedisClientTests {
    /// A command whose caller stopped waiting (the process is shutting down) is cancelled, not a Redis outage: it
    /// must not log "redis unavailable" at error level, which alerts watch.
    @Test func aCancelledCommandIsNotLoggedAsAnOutage() async throws {
        let capture = LogCapture()
        let client = RedisClient(url: RedisURL(host: "127.0.0.1", port: 1), logger: capture.logger())
        defer { Task { await client.close() } }

        let command = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await client.send(["PING"])
        }
        let result = await command.result

        #expect(throws: CancellationError.self) { try result.get() }
        #expect(!capture.all.contains { $0.contains("redis unavailable") })
    }

    @Test func urlsAreTakenApartWithCredentialsDecoded() throws {
        #expect(
            try RedisURL("redis://:s%40cret@cache.internal:6380/2") == RedisURL(host: "cache.internal", port: 6380, password: "s@cret", database: 2))
        #expect(try RedisURL("redis://app:pw@cache.internal") == RedisURL(host: "cache.internal", username: "app", password: "pw"))
        #expect(try RedisURL("redis://localhost") == RedisURL(host: "localhost"))
        #expect(try RedisURL("redis://:s%40cret@cache.internal:6380/2").description == "redis://:***@cache.internal:6380/2")
    }

    @Test(arguments: [
        "http://:hunter2@host", "rediss://:hunter2@host", "redis://:hunter2@", "redis://:hunter2@host/16", "redis://:hunter2@host/x",
        "redis://:hunter2@host:0", "redis://:hunter2@host?timeout=1", "not a url hunter2",
    ])
    func badURLsAreRefusedWithoutShowingThePassword(text: String) {
        #expect {
            _ = try RedisURL(text)
        } throws: { error in
            "\(error)".hasPrefix("the Redis URL") && !"\(error)".contains("hunter2")
        }
    }

    @Test func anUnreachableServerIsUnavailable() async throws {
        let client = RedisClient(url: RedisURL(host: "127.0.0.1", port: try freePort()), poolSize: 1, logger: redisLogger)

        await #expect(throws: DomainError.unavailable("redis")) { try await client.ping() }
        await client.close()
    }

    @Test func anErrorReplyIsThrownAndTheConnectionKeepsServing() async throws {
        guard let client = try RedisTestServer.client() else { return }
        let key = RedisTestServer.freshPrefix() + "text"
        try await client.send(["SET", key, "not a number"])

        await #expect(throws: RedisReplyError.self) { try await client.send(["INCR", key]) }
        #expect(try await client.send(["GET", key]) == .text("not a number"))
        try await client.send(["DEL", key])
    }

    @Test func aScriptRedisHasForgottenIsLoadedAgain() async throws {
        guard let client = try RedisTestServer.client() else { return }
        let script = RedisScript("return tonumber(ARGV[1]) + \(Int.random(in: 1...1_000_000))")
        try await client.send(["SCRIPT", "FLUSH"])

        let first = try await client.run(script, keys: [], arguments: ["1"])
        let second = try await client.run(script, keys: [], arguments: ["1"])

        #expect(first == second)
        #expect(first.int != nil)
    }

    @Test func twoInstancesOnOneRedisEnforceOneLimit() async throws {
        guard let url = try RedisTestServer.url() else { return }
        let first = RedisClient(url: url, poolSize: 2, logger: redisLogger)
        let second = RedisClient(url: url, poolSize: 2, logger: redisLogger)
        let prefix = RedisTestServer.freshPrefix()
        let stores = [RedisRateLimitStore(client: first, prefix: prefix), RedisRateLimitStore(client: second, prefix: prefix)]
        let now = Date()

        let allowed = try await withThrowingTaskGroup(of: Bool.self, returning: Int.self) { group in
            for index in 0..<40 {
                group.addTask { try await stores[index % 2].hit(key: "shared", limit: 15, window: 60, now: now).allowed }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }

        #expect(allowed == 15)
        await first.close()
        await second.close()
    }

    @Test func aCounterExpiresAfterItsWindow() async throws {
        guard let client = try RedisTestServer.client() else { return }
        let prefix = RedisTestServer.freshPrefix()
        let store = RedisRateLimitStore(client: client, prefix: prefix)
        let now = Date()
        let decision = try await store.hit(key: "k", limit: 5, window: 60, now: now)

        let keys = try await client.send(["KEYS", prefix + "*"]).array.compactMap(\.string)
        let lifetime = try await client.send(["PTTL", try #require(keys.first)]).int ?? -1

        #expect(keys.count == 1)
        #expect(lifetime > 0)
        #expect(lifetime <= Int((decision.resetAt.timeIntervalSince(now) * 1000).rounded(.up)) + 1000)
    }
}
