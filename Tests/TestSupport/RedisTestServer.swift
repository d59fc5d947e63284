import Foundation

/// The throwaway Redis server `scripts/test.sh` starts (`PORTSIDE_TEST_REDIS_URL`), for tests of whole processes.
public enum RedisTestEnvironment {
    /// The server's URL, or nil: then the caller skips, loudly, except under `CI=true`, where it must fail.
    public static var url: String? {
        ProcessInfo.processInfo.environment["PORTSIDE_TEST_REDIS_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public static var isRequired: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    public static let skipMessage = "⚠️  SKIPPED: Redis suites need PORTSIDE_TEST_REDIS_URL (scripts/test.sh starts one)"

    /// A key prefix no other test uses, for `REDIS_KEY_PREFIX`.
    public static func freshPrefix() -> String {
        "test:\(UUID().uuidString.lowercased()):"
    }
}
