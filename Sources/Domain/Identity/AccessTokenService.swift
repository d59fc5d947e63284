import Foundation

/// What a valid access token says.
public struct AccessClaims: Sendable, Equatable {
    public let userID: UUID
    public let sessionID: UUID
    public let tokenID: UUID
    public let issuedAt: Date
    public let expiresAt: Date

    public init(userID: UUID, sessionID: UUID, tokenID: UUID, issuedAt: Date, expiresAt: Date) {
        self.userID = userID
        self.sessionID = sessionID
        self.tokenID = tokenID
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }
}

/// Issues and checks short-lived access tokens (JWT in production). A token that is forged, expired, for another
/// issuer or audience, or not an access token is refused with `DomainError.unauthenticated`.
public protocol AccessTokenService: Sendable {
    /// Issues a token for `userID` in session `sessionID`, valid from `now` for the configured lifetime.
    func issue(userID: UUID, sessionID: UUID, tokenID: UUID, now: Date) async throws -> String
    /// Returns the claims of a valid token at `now`.
    func verify(_ token: String, now: Date) async throws -> AccessClaims
}
