import Foundation

/// A Redis URL taken apart: `redis://[[user]:password@]host[:6379][/db]`. User and password are percent-decoded.
/// Neither `description` nor any error shows the password.
public struct RedisURL: Sendable, Equatable, CustomStringConvertible {
    public let host: String
    public let port: Int
    /// The ACL user (Redis 6 and later); nil authenticates as the default user.
    public let username: String?
    public let password: String?
    /// The logical database `SELECT`ed on every connection.
    public let database: Int

    public init(host: String, port: Int = 6379, username: String? = nil, password: String? = nil, database: Int = 0) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
    }

    /// Parses `text`; throws `RedisURLError` naming the part that is wrong, never echoing the URL.
    public init(_ text: String) throws(RedisURLError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw RedisURLError("is not a URL (expected redis://[:password@]host:6379/0)")
        }
        guard scheme != "rediss" else { throw RedisURLError("uses rediss://, but TLS to Redis is not supported: use redis:// on a private network") }
        guard scheme == "redis" else { throw RedisURLError("must start with redis://") }
        guard var host = components.host, !host.isEmpty else { throw RedisURLError("must name a host (redis://host:6379)") }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let port = components.port ?? 6379
        guard (1...65535).contains(port) else { throw RedisURLError("the port must be between 1 and 65535") }
        var username: String?
        if let encoded = components.percentEncodedUser, !encoded.isEmpty {
            guard let decoded = encoded.removingPercentEncoding else { throw RedisURLError("the user is not validly percent-encoded") }
            username = decoded
        }
        var password: String?
        if let encoded = components.percentEncodedPassword {
            guard let decoded = encoded.removingPercentEncoding else { throw RedisURLError("the password is not validly percent-encoded") }
            password = decoded
        }
        let path = components.path.drop { $0 == "/" }
        var database = 0
        if !path.isEmpty {
            guard let number = Int(path), (0...15).contains(number) else {
                throw RedisURLError("the path must be a database number from 0 to 15 (redis://host:6379/0)")
            }
            database = number
        }
        guard components.query == nil else { throw RedisURLError("takes no parameters") }
        guard components.fragment == nil else { throw RedisURLError("must not have a fragment (#...)") }
        self.init(host: host, port: port, username: username, password: password, database: database)
    }

    /// The URL with the password masked: safe to log.
    public var description: String {
        let credentials = password == nil ? (username.map { "\($0)@" } ?? "") : "\(username ?? ""):***@"
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "redis://\(credentials)\(shownHost):\(port)/\(database)"
    }
}

/// Why a Redis URL was refused. The message never contains the URL, which may hold a password.
public struct RedisURLError: Error, Equatable, CustomStringConvertible {
    public let reason: String

    init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { "the Redis URL \(reason)" }
}
