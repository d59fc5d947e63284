import Domain
import HTTPTypes
import Hummingbird

/// Turns a request's `Authorization: Bearer` header into the caller, or a 401. The token is never logged.
struct Authenticator: Sendable {
    let auth: AuthService

    func principal(_ request: Request) async throws -> Principal {
        guard let header = request.headers[.authorization], let token = Self.bearerToken(header) else { throw DomainError.unauthenticated }
        return try await auth.authenticate(accessToken: token)
    }

    /// The token of a `Bearer` credential (the scheme is case-insensitive); nil for any other scheme.
    static func bearerToken(_ header: String) -> String? {
        // By UTF-8 bytes: this runs on every authenticated request.
        let bytes = header.utf8
        guard bytes.count > 7, bytes.prefix(6).map({ $0 | 0x20 }).elementsEqual("bearer".utf8) else { return nil }
        let rest = bytes.dropFirst(6)
        guard rest.first == UInt8(ascii: " ") else { return nil }
        let isBlank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        guard let start = rest.firstIndex(where: { !isBlank($0) }), let end = rest.lastIndex(where: { !isBlank($0) }) else { return nil }
        return String(Substring(header.utf8[start...end]))
    }
}

extension AppRequestContext {
    /// Where this request came from, for sessions and the audit log.
    func origin(_ request: Request) -> RequestOrigin {
        RequestOrigin(clientAddress: clientAddress, userAgent: request.headers[.userAgent].map(Self.boundedUserAgent), requestID: requestId)
    }

    /// A client's User-Agent, kept to its first 512 bytes (whole scalars) before it reaches sessions and the audit
    /// log: counted in Characters, one "character" of combining marks could carry the whole header.
    static func boundedUserAgent(_ userAgent: String) -> String {
        guard userAgent.utf8.count > 512 else { return userAgent }
        var kept = String.UnicodeScalarView()
        var bytes = 0
        for scalar in userAgent.unicodeScalars {
            bytes += UTF8.width(scalar)
            guard bytes <= 512 else { break }
            kept.append(scalar)
        }
        return String(kept)
    }
}
