import Foundation

/// One signed-in device: the refresh token that currently belongs to it (as a digest), where it came from, and how
/// long it may live. Rotation replaces the digest; the session (the token family) keeps its id.
public struct Session: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let userID: UUID
    /// SHA-256 digest of the current refresh token.
    public var refreshTokenDigest: String
    public let userAgent: String?
    public let clientAddress: String?
    public let createdAt: Date
    public var lastUsedAt: Date
    /// The current refresh token expires then (sliding, never past `absoluteExpiresAt`).
    public var expiresAt: Date
    /// The session ends then, however often it is refreshed.
    public let absoluteExpiresAt: Date
    public var revokedAt: Date?
    public var revocationReason: String?

    public init(
        id: UUID, userID: UUID, refreshTokenDigest: String, userAgent: String?, clientAddress: String?, createdAt: Date, lastUsedAt: Date,
        expiresAt: Date, absoluteExpiresAt: Date, revokedAt: Date? = nil, revocationReason: String? = nil
    ) {
        self.id = id
        self.userID = userID
        self.refreshTokenDigest = refreshTokenDigest
        self.userAgent = userAgent
        self.clientAddress = clientAddress
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.expiresAt = expiresAt
        self.absoluteExpiresAt = absoluteExpiresAt
        self.revokedAt = revokedAt
        self.revocationReason = revocationReason
    }

    /// Neither revoked nor expired at `now`.
    public func isAlive(at now: Date) -> Bool {
        revokedAt == nil && expiresAt > now
    }
}

/// Stores sessions and the refresh-token digests they held before, so that a replayed token is recognised.
public protocol SessionRepository: Sendable {
    /// Stores a new session.
    func insert(_ session: Session) async throws
    /// Returns the session with this id, alive or not.
    func find(id: UUID) async throws -> Session?
    /// Returns the session with `sessionID`, alive or not, together with its user when that user is `userID` and live;
    /// nil otherwise. One read for both, since every authenticated request needs them.
    func find(sessionID: UUID, userID: UUID) async throws -> (session: Session, user: User)?
    /// Returns the session whose current refresh token has this digest, alive or not.
    func find(refreshTokenDigest: String) async throws -> Session?
    /// Returns the session that held this digest before a rotation replaced it.
    func find(retiredTokenDigest: String) async throws -> Session?
    /// The atomic rotation: when a live session (not revoked, `expiresAt > now`) holds `current`, it gets `next`,
    /// `lastUsedAt = now` and `expiresAt = min(expiresAt, absoluteExpiresAt)`, `current` is remembered as retired,
    /// and the updated session is returned. Otherwise nothing changes and the result is nil. Of concurrent
    /// rotations of one token, exactly one succeeds.
    func rotate(from current: String, to next: String, now: Date, expiresAt: Date) async throws -> Session?
    /// Revokes a live session; false when it is already revoked or does not exist.
    func revoke(id: UUID, at: Date, reason: String) async throws -> Bool
    /// Revokes every live session of `userID` except `except`; returns how many.
    func revokeAll(userID: UUID, except: UUID?, at: Date, reason: String) async throws -> Int
    /// The user's live sessions at `now`, most recently used first.
    func listAlive(userID: UUID, now: Date) async throws -> [Session]
    /// Deletes sessions (and their retired digests) that expired or were revoked before `date`; returns how many.
    func purge(endedBefore date: Date) async throws -> Int
}
