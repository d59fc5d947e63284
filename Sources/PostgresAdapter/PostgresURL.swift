import Foundation

/// A PostgreSQL URL taken apart: `postgres://user:password@host:5432/database?sslmode=disable|prefer|require`
/// (`postgresql://` too), with `sslrootcert=PATH` for a server whose certificate a private authority signed. User and
/// password are percent-decoded. Neither `description` nor any error shows the password.
///
/// A server on the same machine can be reached through its Unix socket, as with libpq: `host=` names the socket's
/// directory and the URL names no host, `postgres://user@/database?host=/var/run/postgresql` (the socket is
/// `/var/run/postgresql/.s.PGSQL.5432`, or the port given after the empty host). No TLS goes over a socket, so
/// `sslmode=require` is refused there.
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
    /// The directory of the server's Unix socket (`host=/path`), when it is reached through one instead of TCP.
    public let socketDirectory: String?

    /// The Unix socket's path: `.s.PGSQL.PORT` in `socketDirectory`.
    public var socketPath: String? {
        socketDirectory.map { ($0.hasSuffix("/") ? String($0.dropLast()) : $0) + "/.s.PGSQL.\(port)" }
    }

    public init(
        host: String, port: Int = 5432, username: String, password: String?, database: String, sslMode: SSLMode = .prefer,
        rootCertificatePath: String? = nil, socketDirectory: String? = nil
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.sslMode = sslMode
        self.rootCertificatePath = rootCertificatePath
        self.socketDirectory = socketDirectory
    }

    /// Parses `text`; throws `PostgresURLError` naming the part that is wrong, never echoing the URL.
    public init(_ text: String) throws(PostgresURLError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw PostgresURLError("is not a URL (expected postgres://user:password@host:5432/database)")
        }
        guard scheme == "postgres" || scheme == "postgresql" else { throw PostgresURLError("must start with postgres:// or postgresql://") }
        let socketDirectory = try Self.socketDirectory(in: components.queryItems ?? [])
        var host = components.host ?? ""
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if socketDirectory == nil, host.isEmpty { throw PostgresURLError("must name a host (postgres://user@host/database)") }
        if socketDirectory != nil, !host.isEmpty {
            throw PostgresURLError("names a host and a socket directory (host=): leave the host empty, postgres://user@/database?host=/dir")
        }
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
            case "host":
                continue
            case "sslmode":
                guard let mode = item.value.flatMap({ Self.sslModeNames[$0] }) else {
                    throw PostgresURLError("sslmode must be disable, prefer, require or verify-full")
                }
                sslMode = mode
            case "sslrootcert":
                guard let path = item.value, !path.isEmpty else { throw PostgresURLError("sslrootcert must name a PEM file") }
                rootCertificatePath = path
            default:
                throw PostgresURLError("the parameter \"\(item.name)\" is not supported (only sslmode, sslrootcert and host)")
            }
        }
        if rootCertificatePath != nil, sslMode != .require {
            throw PostgresURLError("sslrootcert needs sslmode=require: only require verifies the server's certificate")
        }
        if socketDirectory != nil {
            // As libpq does: nothing to negotiate on a socket, and nothing that `require` could verify.
            guard sslMode != .require else { throw PostgresURLError("sslmode=require needs a TCP host: no TLS goes over a Unix socket") }
            sslMode = .disable
        }
        guard components.fragment == nil else { throw PostgresURLError("must not have a fragment (#...)") }
        self.init(
            host: host, port: port, username: username, password: password, database: database, sslMode: sslMode,
            rootCertificatePath: rootCertificatePath, socketDirectory: socketDirectory)
    }

    /// The `host=` parameter: an absolute directory, once; nil without it.
    private static func socketDirectory(in items: [URLQueryItem]) throws(PostgresURLError) -> String? {
        let values = items.filter { $0.name == "host" }
        guard let item = values.first else { return nil }
        guard values.count == 1, let directory = item.value, directory.hasPrefix("/"), !directory.contains("\u{0}") else {
            throw PostgresURLError("host= must be the absolute path of the directory of the server's Unix socket, given once")
        }
        return directory
    }

    /// The URL with the password masked: safe to log.
    public var description: String {
        let credentials = password == nil ? username : "\(username):***"
        let shownHost = host.contains(":") ? "[\(host)]" : host
        let rootCertificate = rootCertificatePath.map { "&sslrootcert=\($0)" } ?? ""
        if let socketDirectory {
            return "postgres://\(credentials)@:\(port)/\(database)?host=\(socketDirectory)&sslmode=\(sslMode.rawValue)"
        }
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
