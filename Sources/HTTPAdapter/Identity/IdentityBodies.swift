import Domain
import Foundation

/// An account as the API shows it: never a password hash. Administrators also see the lock state.
struct UserBody: EncodableBody {
    let id: UUID
    let name: String
    let email: String
    let pendingEmail: String?
    let role: String
    let emailVerified: Bool
    let isActive: Bool
    let failedLoginAttempts: Omittable<Int>
    let lockedUntil: Omittable<Date?>
    let createdAt: Date
    let updatedAt: Date
    /// Where anyone may fetch the user's picture; null when there is none.
    let avatarUrl: String?

    init(user: User, administrative: Bool = false) {
        id = user.id
        name = user.name
        email = user.email
        pendingEmail = user.pendingEmail
        role = user.role.rawValue
        emailVerified = user.emailVerified
        isActive = user.isActive
        failedLoginAttempts = administrative ? .present(user.failedLoginAttempts) : .omitted
        lockedUntil = administrative ? .present(user.lockedUntil) : .omitted
        createdAt = user.createdAt
        updatedAt = user.updatedAt
        avatarUrl = user.avatar.map { _ in "/api/v1/users/\(user.id.uuidString.lowercased())/avatar" }
    }
}

/// `{user}`: the profile endpoints' data.
struct UserEnvelopeBody: EncodableBody {
    let user: UserBody

    init(user: User) {
        self.user = UserBody(user: user)
    }
}

/// `{accessToken, refreshToken}`.
struct TokensBody: EncodableBody {
    let accessToken: String
    let refreshToken: String

    init(tokens: TokenPair) {
        accessToken = tokens.accessToken
        refreshToken = tokens.refreshToken
    }
}

/// `{user, tokens}`: what registration and login return.
struct AuthenticationBody: EncodableBody {
    let user: UserBody
    let tokens: TokensBody

    init(authentication: Authentication) {
        user = UserBody(user: authentication.user)
        tokens = TokensBody(tokens: authentication.tokens)
    }
}

/// One of the caller's sessions: never its token digest.
struct SessionBody: EncodableBody {
    let id: UUID
    let userAgent: String?
    let ipAddress: String?
    let createdAt: Date
    let lastUsedAt: Date
    let expiresAt: Date
    let current: Bool

    init(session: Session, current: Bool) {
        id = session.id
        userAgent = session.userAgent
        ipAddress = session.clientAddress
        createdAt = session.createdAt
        lastUsedAt = session.lastUsedAt
        expiresAt = session.expiresAt
        self.current = current
    }
}

struct AuditEventBody: EncodableBody {
    let id: UUID
    let occurredAt: Date
    let actorId: UUID?
    let action: String
    let targetId: String?
    let outcome: String
    let ipAddress: String?
    let userAgent: String?
    let requestId: String?
    let detail: String?

    init(event: AuditEvent) {
        id = event.id
        occurredAt = event.occurredAt
        actorId = event.actorID
        action = event.action
        targetId = event.targetID
        outcome = event.outcome.rawValue
        ipAddress = event.clientAddress
        userAgent = event.userAgent
        requestId = event.requestID
        detail = event.detail
    }
}
