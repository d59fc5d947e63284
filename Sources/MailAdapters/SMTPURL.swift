import Foundation

/// An SMTP `MAIL_URL` taken apart: `smtp://[user:password@]host[:587][?starttls=off]` (STARTTLS, required unless
/// switched off) or `smtps://[user:password@]host[:465]` (TLS from the first byte), either with `cafile=PATH` for a
/// server whose certificate a private authority signed. Neither `description` nor any error shows the password.
public struct SMTPURL: Sendable, Equatable, CustomStringConvertible {
    public enum Security: String, Sendable {
        /// STARTTLS before anything else is said; a server that does not offer it is refused.
        case startTLS = "starttls"
        /// TLS from the first byte (`smtps://`).
        case implicitTLS = "tls"
        /// No encryption (`?starttls=off`): only for a relay on the same host or a trusted private network.
        case none
    }

    public let host: String
    public let port: Int
    public let username: String?
    public let password: String?
    public let security: Security
    /// A PEM file of the certificate authorities to trust instead of the system's.
    public let certificateAuthorityPath: String?

    public init(
        host: String, port: Int, username: String? = nil, password: String? = nil, security: Security,
        certificateAuthorityPath: String? = nil
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.security = security
        self.certificateAuthorityPath = certificateAuthorityPath
    }

    /// Parses `text`; throws `SMTPURLError` naming the part that is wrong, never echoing the URL.
    public init(_ text: String) throws(SMTPURLError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw SMTPURLError("is not a URL (expected smtp://user:password@host:587)")
        }
        guard scheme == "smtp" || scheme == "smtps" else { throw SMTPURLError("must start with smtp:// or smtps://") }
        guard var host = components.host, !host.isEmpty else { throw SMTPURLError("must name a host (smtp://host:587)") }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let port = components.port ?? (scheme == "smtps" ? 465 : 587)
        guard (1...65535).contains(port) else { throw SMTPURLError("the port must be between 1 and 65535") }
        let username = components.percentEncodedUser.flatMap { $0.isEmpty ? nil : $0.removingPercentEncoding }
        let password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        if components.percentEncodedPassword != nil, password == nil { throw SMTPURLError("the password is not validly percent-encoded") }
        if password != nil, username == nil { throw SMTPURLError("has a password but no user") }
        var security: Security = scheme == "smtps" ? .implicitTLS : .startTLS
        var certificateAuthorityPath: String?
        for item in components.queryItems ?? [] {
            switch (item.name, item.value) {
            case ("starttls", "off") where scheme == "smtp":
                security = .none
            case ("starttls", "on") where scheme == "smtp":
                security = .startTLS
            case ("starttls", _):
                throw SMTPURLError("starttls must be on or off, and only with smtp://")
            case ("cafile", let path?) where !path.isEmpty:
                certificateAuthorityPath = path
            case ("cafile", _):
                throw SMTPURLError("cafile must name a PEM file")
            default:
                throw SMTPURLError("the parameter \"\(item.name)\" is not supported (only starttls and cafile)")
            }
        }
        if security == .none, password != nil {
            throw SMTPURLError("sends a password, so it needs TLS: remove starttls=off or use smtps://")
        }
        guard components.path.isEmpty || components.path == "/" else { throw SMTPURLError("must not have a path") }
        self.init(
            host: host, port: port, username: username, password: password, security: security, certificateAuthorityPath: certificateAuthorityPath)
    }

    /// The URL with the password masked: safe to log.
    public var description: String {
        let credentials = username.map { password == nil ? "\($0)@" : "\($0):***@" } ?? ""
        let shownHost = host.contains(":") ? "[\(host)]" : host
        let scheme = security == .implicitTLS ? "smtps" : "smtp"
        var parameters: [String] = []
        if security == .none { parameters.append("starttls=off") }
        if let certificateAuthorityPath { parameters.append("cafile=\(certificateAuthorityPath)") }
        return "\(scheme)://\(credentials)\(shownHost):\(port)" + (parameters.isEmpty ? "" : "?" + parameters.joined(separator: "&"))
    }
}

/// Why an SMTP URL was refused. The message never contains the URL, which may hold a password.
public struct SMTPURLError: Error, Equatable, CustomStringConvertible {
    public let reason: String

    init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { "the SMTP URL \(reason)" }
}
