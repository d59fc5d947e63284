import Foundation

/// Values kept for a while under a key, for any module that wants to spare a slower source: in memory for one
/// process, or in Redis (`REDIS_URL`) shared by every instance. A miss is normal; a cache is never the only copy.
public protocol Cache: Sendable {
    /// The value under `key`, or nil when there is none or it expired.
    func value(for key: String) async throws -> String?
    /// Keeps `value` under `key` for `timeToLive` seconds, replacing any earlier one.
    func set(_ value: String, for key: String, timeToLive: TimeInterval) async throws
    /// Forgets `key` (invalidation); nothing happens when there is none.
    func remove(_ key: String) async throws
}
