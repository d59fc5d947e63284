import Domain
import Foundation

/// A user with id number `number`, created at `millisecond`; the email defaults to one of its own.
func user(
    _ number: Int, name: String = "Member", email: String? = nil, role: Role = .user, at millisecond: Int64 = 1_000
) -> User {
    User(
        id: uuid(number), name: name, email: email ?? "user\(number)@example.com", role: role, passwordHash: "$argon2id$hash-\(number)",
        passwordChangedAt: ms(millisecond), createdAt: ms(millisecond), updatedAt: ms(millisecond)
    )
}

/// A live session with id number `number` of `owner`, holding refresh token digest `digest`.
func session(
    _ number: Int, of owner: UUID, digest: String? = nil, lastUsedAt: Int64 = 1_000, expiresAt: Int64 = 10_000,
    absoluteExpiresAt: Int64 = 100_000, revokedAt: Int64? = nil
) -> Session {
    Session(
        id: uuid(number), userID: owner, refreshTokenDigest: digest ?? "digest-\(number)", userAgent: "Safari/18", clientAddress: "192.0.2.7",
        createdAt: ms(500), lastUsedAt: ms(lastUsedAt), expiresAt: ms(expiresAt), absoluteExpiresAt: ms(absoluteExpiresAt),
        revokedAt: revokedAt.map(ms), revocationReason: revokedAt.map { _ in "signed out" }
    )
}

/// An unused one-time token of `owner` stored under `digest`.
func oneTimeToken(
    _ digest: String, of owner: UUID, purpose: OneTimeTokenPurpose = .emailVerification, expiresAt: Int64 = 10_000, usedAt: Int64? = nil
) -> OneTimeToken {
    OneTimeToken(
        digest: digest, purpose: purpose, userID: owner, email: "user@example.com", createdAt: ms(500), expiresAt: ms(expiresAt),
        usedAt: usedAt.map(ms)
    )
}

/// An audit event with id number `number` at `millisecond`.
func auditEvent(_ number: Int, at millisecond: Int64, actor: UUID? = nil, action: String = "auth.login") -> AuditEvent {
    AuditEvent(
        id: uuid(number), occurredAt: ms(millisecond), actorID: actor, action: action, targetID: nil, outcome: .success, clientAddress: nil,
        userAgent: nil, requestID: nil, detail: nil
    )
}

/// Stores users with these id numbers: sessions and one-time tokens belong to a user that exists.
func insertUsers(_ numbers: Int..., into store: Store) async throws {
    for number in numbers { try await store.users.insert(user(number)) }
}
