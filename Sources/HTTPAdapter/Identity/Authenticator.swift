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
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}

extension AppRequestContext {
    /// Where this request came from, for sessions and the audit log.
    func origin(_ request: Request) -> RequestOrigin {
        RequestOrigin(clientAddress: clientAddress, userAgent: request.headers[.userAgent], requestID: requestId)
    }
}
