import Foundation

/// A PostgreSQL URL taken apart: `postgres://user:password@host:5432/database?sslmode=disable|prefer|require`
/// (`postgresql://` too), with `sslrootcert=PATH` for a server whose certificate a private authority signed. User and
/// password are percent-decoded. Neither `description` nor any error shows the password.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    /// How the connection uses TLS.
    public enum SSLMode: String, Sendable, CaseIterable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, plain TCP otherwise. The certificate is not checked (as with libpq): a
        /// connection that accepts plain text cannot be protected from an active attacker anyway.
        case prefer
        /// TLS or no connection. The server's certificate is verified against the system's trusted roots (or the
        /// `sslrootcert` file) and the host name: libpq calls this `verify-full`, which is accepted as a synonym.
        case require
    }

    /// The `sslmode` values accepted, libpq's `verify-full` among them.
    static let sslModeNames: [String: SSLMode] = ["disable": .disable, "prefer": .prefer, "require": .require, "verify-full": .require]

    public let host: String
    public let port: Int
    public let username: String
    public let password: String?
    public let database: String
    public let sslMode: SSLMode
    /// A PEM file of the certificate authorities to trust instead of the system's, for `sslmode=require`.
    public let rootCertificatePath: String?

    public init(
        host: String, port: Int = 5432, username: String, password: String?, database: String, sslMode: SSLMode = .prefer,
        rootCertificatePath: String? = nil
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.sslMode = sslMode
        self.rootCertificatePath = rootCertificatePath
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
        var rootCertificatePath: String?
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap({ Self.sslModeNames[$0] }) else {
                    throw PostgresURLError("sslmode must be disable, prefer, require or verify-full")
                }
                sslMode = mode
            case "sslrootcert":
                guard let path = item.value, !path.isEmpty else { throw PostgresURLError("sslrootcert must name a PEM file") }
                rootCertificatePath = path
            default:
                throw PostgresURLError("the parameter \"\(item.name)\" is not supported (only sslmode and sslrootcert)")
            }
        }
        if rootCertificatePath != nil, sslMode != .require {
            throw PostgresURLError("sslrootcert needs sslmode=require: only require verifies the server's certificate")
        }
        guard components.fragment == nil else { throw PostgresURLError("must not have a fragment (#...)") }
        self.init(
            host: host, port: port, username: username, password: password, database: database, sslMode: sslMode,
            rootCertificatePath: rootCertificatePath)
    }

    /// The URL with the password masked: safe to log.
    public var description: String {
        let credentials = password == nil ? username : "\(username):***"
        let shownHost = host.contains(":") ? "[\(host)]" : host
        let rootCertificate = rootCertificatePath.map { "&sslrootcert=\($0)" } ?? ""
        return "postgres://\(credentials)@\(shownHost):\(port)/\(database)?sslmode=\(sslMode.rawValue)\(rootCertificate)"
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
