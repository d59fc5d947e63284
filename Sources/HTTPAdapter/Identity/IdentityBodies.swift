import Domain
import Foundation

/// An account as the API shows it: never a password hash. Administrators also see the lock state.
struct UserBody: JSONWritable {
    let user: User
    var administrative = false

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("id")
        json.uuid(user.id)
        json.field("name", user.name)
        json.field("email", user.email)
        json.field("pendingEmail", user.pendingEmail)
        json.field("role", user.role.rawValue)
        json.field("emailVerified", user.emailVerified)
        json.field("isActive", user.isActive)
        if administrative {
            json.field("failedLoginAttempts", user.failedLoginAttempts)
            json.key("lockedUntil")
            if let until = user.lockedUntil { json.timestamp(until) } else { json.null() }
        }
        json.key("createdAt")
        json.timestamp(user.createdAt)
        json.key("updatedAt")
        json.timestamp(user.updatedAt)
        json.endObject()
    }
}

/// `{user}`: the profile endpoints' data.
struct UserEnvelopeBody: JSONWritable {
    let user: User

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("user", UserBody(user: user))
        json.endObject()
    }
}

/// `{accessToken, refreshToken}`.
struct TokensBody: JSONWritable {
    let tokens: TokenPair

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("accessToken", tokens.accessToken)
        json.field("refreshToken", tokens.refreshToken)
        json.endObject()
    }
}

/// `{user, tokens}`: what registration and login return.
struct AuthenticationBody: JSONWritable {
    let authentication: Authentication

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("user", UserBody(user: authentication.user))
        json.field("tokens", TokensBody(tokens: authentication.tokens))
        json.endObject()
    }
}

/// One of the caller's sessions: never its token digest.
struct SessionBody: JSONWritable {
    let session: Session
    let current: Bool

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("id")
        json.uuid(session.id)
        json.field("userAgent", session.userAgent)
        json.field("ipAddress", session.clientAddress)
        json.key("createdAt")
        json.timestamp(session.createdAt)
        json.key("lastUsedAt")
        json.timestamp(session.lastUsedAt)
        json.key("expiresAt")
        json.timestamp(session.expiresAt)
        json.field("current", current)
        json.endObject()
    }
}

struct AuditEventBody: JSONWritable {
    let event: AuditEvent

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("id")
        json.uuid(event.id)
        json.key("occurredAt")
        json.timestamp(event.occurredAt)
        json.key("actorId")
        if let actor = event.actorID { json.uuid(actor) } else { json.null() }
        json.field("action", event.action)
        json.field("targetId", event.targetID)
        json.field("outcome", event.outcome.rawValue)
        json.field("ipAddress", event.clientAddress)
        json.field("userAgent", event.userAgent)
        json.field("requestId", event.requestID)
        json.field("detail", event.detail)
        json.endObject()
    }
}
