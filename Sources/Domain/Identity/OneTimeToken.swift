import Foundation

/// What a one-time token proves.
public enum OneTimeTokenPurpose: String, Sendable, CaseIterable {
    case emailVerification = "email_verification"
    case passwordReset = "password_reset"
    /// Sent to the address an email change replaces: undoes the change and ends every session.
    case emailChangeCancel = "email_change_cancel"
}

/// A single-use, expiring secret sent by email (verification, reset and email-change cancel links), stored only as its digest.
public struct OneTimeToken: Sendable, Equatable {
    /// SHA-256 digest of the token.
    public let digest: String
    public let purpose: OneTimeTokenPurpose
    public let userID: UUID
    /// The address the link was sent to: for verification, the address it proves.
    public let email: String
    public let createdAt: Date
    public let expiresAt: Date
    public var usedAt: Date?

    public init(digest: String, purpose: OneTimeTokenPurpose, userID: UUID, email: String, createdAt: Date, expiresAt: Date, usedAt: Date? = nil) {
        self.digest = digest
        self.purpose = purpose
        self.userID = userID
        self.email = email
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.usedAt = usedAt
    }
}

/// Stores one-time tokens.
public protocol OneTimeTokenRepository: Sendable {
    /// Stores a new token.
    func insert(_ token: OneTimeToken) async throws
    /// Marks the unused, unexpired token with this digest and purpose used at `now` and returns it; nil when there is
    /// none. Of concurrent consumptions of one token, exactly one gets it.
    func consume(digest: String, purpose: OneTimeTokenPurpose, now: Date) async throws -> OneTimeToken?
    /// Marks every unused token of `userID` for `purpose` used, so only a newer link works; returns how many.
    func invalidate(userID: UUID, purpose: OneTimeTokenPurpose, at: Date) async throws -> Int
    /// Marks the unused tokens of `userID` for `purpose` created at or after `since` used; returns how many.
    func invalidate(userID: UUID, purpose: OneTimeTokenPurpose, createdSince since: Date, at: Date) async throws -> Int
    /// Deletes tokens that expired before `date`; returns how many.
    func purge(expiredBefore date: Date) async throws -> Int
}
