import Domain
import Foundation

/// `RateLimitStore` on Redis: one counter per key and fixed window, counted and given its expiry by one script, so
/// every instance on the same Redis counts against the same limit and no hit is lost between two commands.
public struct RedisRateLimitStore: RateLimitStore {
    let client: RedisClient
    let prefix: String

    public init(client: RedisClient, prefix: String = "portside:") {
        self.client = client
        self.prefix = prefix
    }

    public func hit(key: String, limit: Int, window: TimeInterval, now: Date) async throws -> RateLimitDecision {
        let windowStart = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / window).rounded(.down) * window)
        let resetAt = windowStart.addingTimeInterval(window)
        // The counter outlives its window by a second, measured from the caller's clock rather than Redis's.
        let lifetime = max(1, Int64((resetAt.timeIntervalSince(now) * 1000).rounded(.up)) + 1000)
        let counter = "\(prefix)ratelimit:\(key):\(windowStart.millisecondsSince1970)"
        let count = try await client.run(Self.count, keys: [counter], arguments: [String(lifetime)]).int ?? Int.max
        return RateLimitDecision(allowed: count <= limit, limit: limit, remaining: max(0, limit - count), resetAt: resetAt)
    }

    /// KEYS: the counter. ARGV: its lifetime in milliseconds, set by the first hit of the window.
    static let count = RedisScript(
        """
        local count = redis.call('INCR', KEYS[1])
        if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return count
        """)
}
