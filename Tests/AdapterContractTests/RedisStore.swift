import Foundation
import Logging
import TestSupport
import Testing

@testable import RedisAdapter

/// The Redis server the suites run on: `PORTSIDE_TEST_REDIS_URL` (scripts/test.sh starts a throwaway one).
enum RedisTestServer {
    static func url() throws -> RedisURL? {
        try requiredServerURL("PORTSIDE_TEST_REDIS_URL", missing: "Redis suites need PORTSIDE_TEST_REDIS_URL (scripts/test.sh starts one)")
            .map { try RedisURL($0) }
    }

    /// One client for every case of the run (each case keeps to its own key prefix), so no case leaves threads behind.
    static let sharedClient: RedisClient? = {
        guard let text = RedisTestEnvironment.url, let url = try? RedisURL(text) else { return nil }
        return RedisClient(url: url, poolSize: 4, logger: redisLogger)
    }()

    /// The shared client, or nil (the case is then skipped, or failed under CI).
    static func client() throws -> RedisClient? {
        guard try url() != nil else { return nil }
        return sharedClient
    }

    /// A key prefix no other case uses.
    static func freshPrefix() -> String { RedisTestEnvironment.freshPrefix() }
}

let redisLogger: Logger = {
    var logger = Logger(label: "portside-redis-tests")
    logger.logLevel = .critical
    return logger
}()
