import Foundation
import Logging
import Testing

@testable import RedisAdapter

/// The Redis server the suites run on: `PORTSIDE_TEST_REDIS_URL` (scripts/test.sh starts a throwaway one).
enum RedisTestServer {
    static let variable = "PORTSIDE_TEST_REDIS_URL"
    static let missing = "Redis suites need \(variable) (scripts/test.sh starts one)"

    /// Printed once per run, however many cases are skipped.
    private static let warning: Void = print("⚠️ SKIPPED: \(missing)")

    /// The server's URL. Without one, the current case is skipped (cancelled) locally and fails under CI.
    static func url() throws -> RedisURL? {
        guard let text = ProcessInfo.processInfo.environment[variable], !text.isEmpty else {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                Issue.record("\(missing); CI must run them")
                return nil
            }
            _ = warning
            try Test.cancel(Comment(rawValue: missing))
        }
        return try RedisURL(text)
    }

    /// One client for every case of the run (each case keeps to its own key prefix), so no case leaves threads behind.
    static let sharedClient: RedisClient? = {
        guard let text = ProcessInfo.processInfo.environment[variable], let url = try? RedisURL(text) else { return nil }
        return RedisClient(url: url, poolSize: 4, logger: redisLogger)
    }()

    /// The shared client, or nil (the case is then skipped, or failed under CI).
    static func client() throws -> RedisClient? {
        guard try url() != nil else { return nil }
        return sharedClient
    }

    /// A key prefix no other case uses.
    static func freshPrefix() -> String {
        "test:\(UUID().uuidString.lowercased()):"
    }
}

let redisLogger: Logger = {
    var logger = Logger(label: "portside-redis-tests")
    logger.logLevel = .critical
    return logger
}()
