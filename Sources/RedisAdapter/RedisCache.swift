import Domain
import Foundation

/// `Cache` on Redis: `SET ... PX` and `GET`, so every instance sees one cache and Redis expires the entries.
public struct RedisCache: Cache {
    let client: RedisClient
    let prefix: String

    public init(client: RedisClient, prefix: String = "portside:") {
        self.client = client
        self.prefix = prefix + "cache:"
    }

    public func value(for key: String) async throws -> String? {
        try await client.send(["GET", prefix + key]).string
    }

    public func set(_ value: String, for key: String, timeToLive: TimeInterval) async throws {
        try await client.send(["SET", prefix + key, value, "PX", String(max(1, Int64(timeToLive * 1000)))])
    }

    public func remove(_ key: String) async throws {
        try await client.send(["DEL", prefix + key])
    }
}
