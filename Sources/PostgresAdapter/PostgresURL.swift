import Foundation

/// A PostgreSQL URL taken apart: `postgres://user:password@host:5432/database?sslmode=disable|prefer|require`
/// (`postgresql://` too). User and password are percent-decoded. Neither `description` nor any error shows the
/// password.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    /// How the connection uses TLS.
    public enum SSLMode: String, Sendable, CaseIterable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, plain TCP otherwise. The certificate is not checked (as with libpq): a
        /// connection that accepts plain text cannot be protected from an active attacker anyway.
        case prefer
        /// TLS or no connection. The server's certificate is verified against the system's trusted roots and the
        /// host name (libpq calls this `verify-full`).
        case require
    }

    public let host: String
    public let port: Int
    public let username: String
    public let password: String?
    public let database: String
    public let sslMode: SSLMode

    public init(host: String, port: Int = 5432, username: String, password: String?, database: String, sslMode: SSLMode = .prefer) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.sslMode = sslMode
    }

    /// Parses `text`; throws `PostgresURLError` naming the part that is wrong, never echoing the URL.
    public init(_ text: String) throws(PostgresURLError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw PostgresURLError("is not a URL (expected postgres://user:password@host:5432/database)")
        }
        guard scheme == "postgres" || scheme == "postgresql" else { throw PostgresURLError("must start with postgres:// or postgresql://") }
        guard var host = components.host, !host.isEmpty else { throw PostgresURLError("must name a host (postgres://user@host/database)") }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw PostgresURLError("the port must be between 1 and 65535") }
        guard let username = components.percentEncodedUser?.removingPercentEncoding, !username.isEmpty else {
            throw PostgresURLError("must name a user (postgres://user@host/database)")
        }
        var password: String?
        if let encoded = components.percentEncodedPassword {
            guard let decoded = encoded.removingPercentEncoding else { throw PostgresURLError("the password is not validly percent-encoded") }
            password = decoded
        }
        guard let path = components.percentEncodedPath.removingPercentEncoding else {
            throw PostgresURLError("the database name is not validly percent-encoded")
        }
        let database = String(path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw PostgresURLError("must name one database in its path (postgres://host/database)")
        }
        var sslMode = SSLMode.prefer
        for item in components.queryItems ?? [] {
            guard item.name == "sslmode" else { throw PostgresURLError("supports only the sslmode parameter") }
            guard let mode = item.value.flatMap(SSLMode.init(rawValue:)) else { throw PostgresURLError("sslmode must be disable, prefer or require") }
            sslMode = mode
        }
        guard components.fragment == nil else { throw PostgresURLError("must not have a fragment (#...)") }
        self.init(host: host, port: port, username: username, password: password, database: database, sslMode: sslMode)
    }

    /// The URL with the password masked: safe to log.
    public var description: String {
        let credentials = password == nil ? username : "\(username):***"
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(credentials)@\(shownHost):\(port)/\(database)?sslmode=\(sslMode.rawValue)"
    }
}

/// Why a PostgreSQL URL was refused. The message never contains the URL, which may hold a password.
public struct PostgresURLError: Error, Equatable, CustomStringConvertible {
    public let reason: String

    init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { "the PostgreSQL URL \(reason)" }
}
