import Foundation

extension AuthService {
    /// Rotates a refresh token: the old one stops working and a new pair is returned. A token that was already
    /// rotated is being replayed (by a thief or by the client it was stolen from), so its whole session is revoked.
    public func refresh(refreshToken raw: Field<String>, origin: RequestOrigin) async throws -> TokenPair {
        var problems: [FieldError] = []
        guard let presented = AccountInput.token(raw, name: "refreshToken", problems: &problems) else {
            throw DomainError.validation(problems)
        }
        let digest = deps.secrets.digest(of: presented)
        let now = deps.now()
        guard let holder = try await deps.sessions.find(refreshTokenDigest: digest), holder.isAlive(at: now) else {
            try await detectReuse(of: digest, origin: origin, now: now)
            throw DomainError.unauthenticated
        }
        guard let user = try await deps.users.find(id: holder.userID), user.isActive else {
            _ = try await deps.sessions.revoke(id: holder.id, at: now, reason: "account unavailable")
            try await deps.audit(.refresh, actor: holder.userID, outcome: .failure, origin: origin, detail: "account unavailable", at: now)
            throw DomainError.unauthenticated
        }
        // Failed sign-ins on the account (anyone's guesses) do not matter here: they throttle new sign-ins, never a
        // session that already proved its password.
        let next = deps.secrets.makeToken()
        let nextDigest = deps.secrets.digest(of: next)
        let expiry = now.addingTimeInterval(deps.settings.refreshTokenLifetime)
        // The compare-and-swap: of concurrent refreshes with this token, one rotates it and the rest are replays. The
        // rotation and its audit record commit together, so a failure cannot spend the token without a new one.
        let rotated = try await deps.unitOfWork.transaction { repositories -> Session? in
            guard let session = try await repositories.sessions.rotate(from: digest, to: nextDigest, now: now, expiresAt: expiry) else {
                return nil
            }
            try await deps.audit(.refresh, actor: user.id, origin: origin, at: now, in: repositories.auditLog)
            return session
        }
        guard let session = rotated else {
            try await detectReuse(of: digest, origin: origin, now: now)
            throw DomainError.unauthenticated
        }
        return try await tokens(for: session, refreshToken: next, now: now)
    }

    /// A refresh token that no live session holds: if a session held it before, the token was replayed.
    private func detectReuse(of digest: String, origin: RequestOrigin, now: Date) async throws {
        guard let session = try await deps.sessions.find(retiredTokenDigest: digest) else {
            try await deps.audit(.refresh, actor: nil, outcome: .failure, origin: origin, detail: "unknown or expired token", at: now)
            return
        }
        let revoked = try await deps.sessions.revoke(id: session.id, at: now, reason: "refresh token reuse")
        try await deps.audit(
            .refreshReuse, actor: session.userID, target: session.id, outcome: .failure, origin: origin,
            detail: revoked ? "session revoked" : "session already ended", at: now
        )
    }

    /// Ends the session a refresh token belongs to (also when the token was already rotated). Unknown tokens are
    /// answered the same way: there is nothing to end.
    public func logout(refreshToken raw: Field<String>, origin: RequestOrigin) async throws {
        var problems: [FieldError] = []
        guard let presented = AccountInput.token(raw, name: "refreshToken", problems: &problems) else {
            throw DomainError.validation(problems)
        }
        let digest = deps.secrets.digest(of: presented)
        let now = deps.now()
        var session = try await deps.sessions.find(refreshTokenDigest: digest)
        if session == nil { session = try await deps.sessions.find(retiredTokenDigest: digest) }
        guard let session else { return }
        let event = DomainEvent.sessionRevoked(session.id, of: session.userID, id: deps.ids.makeID(), at: now)
        try await deps.unitOfWork.transaction { repositories in
            guard try await repositories.sessions.revoke(id: session.id, at: now, reason: "logout") else { return }
            try await deps.audit(.logout, actor: session.userID, target: session.id, origin: origin, at: now, in: repositories.auditLog)
            try await repositories.outbox.add(event.outboxRequest, now: now)
        }
    }

    /// Ends every session of the caller, this one included: their access tokens stop working at once.
    public func revokeAll(_ principal: Principal, origin: RequestOrigin) async throws -> Int {
        let now = deps.now()
        let userID = principal.user.id
        let event = DomainEvent.sessionRevoked(nil, of: userID, id: deps.ids.makeID(), at: now)
        return try await deps.unitOfWork.transaction { repositories in
            let count = try await repositories.sessions.revokeAll(userID: userID, except: nil, at: now, reason: "revoke all")
            // Whoever held a session may have asked for an email change: signing everyone out cancels it.
            if var user = try await repositories.users.find(id: userID), user.pendingEmail != nil {
                user.pendingEmail = nil
                user.updatedAt = max(now, user.updatedAt)
                _ = try await repositories.users.update(user)
            }
            _ = try await repositories.oneTimeTokens.invalidate(userID: userID, purpose: .emailVerification, at: now)
            try await deps.audit(.revokeAll, actor: userID, origin: origin, detail: "\(count) sessions", at: now, in: repositories.auditLog)
            try await repositories.outbox.add(event.outboxRequest, now: now)
            return count
        }
    }

    /// The caller's live sessions, most recently used first.
    public func sessions(_ principal: Principal) async throws -> [Session] {
        try await deps.sessions.listAlive(userID: principal.user.id, now: deps.now())
    }

    /// Ends one of the caller's sessions; another user's session is simply not found.
    public func endSession(id raw: String, _ principal: Principal, origin: RequestOrigin) async throws {
        let now = deps.now()
        guard let id = UUID(uuidString: raw), let session = try await deps.sessions.find(id: id), session.userID == principal.user.id,
            session.isAlive(at: now)
        else { throw DomainError.notFound(resource: "Session") }
        let event = DomainEvent.sessionRevoked(id, of: principal.user.id, id: deps.ids.makeID(), at: now)
        try await deps.unitOfWork.transaction { repositories in
            guard try await repositories.sessions.revoke(id: id, at: now, reason: "ended by user") else {
                throw DomainError.notFound(resource: "Session")
            }
            try await deps.audit(.endSession, actor: principal.user.id, target: id, origin: origin, at: now, in: repositories.auditLog)
            try await repositories.outbox.add(event.outboxRequest, now: now)
        }
    }

    /// The caller behind an access token. Besides the token itself, the session must be alive and the user active, so
    /// logout, revocation, password changes, disabling and deletions take effect at once. Failed sign-ins on the
    /// account do not: someone else's guesses must not end the owner's sessions.
    public func authenticate(accessToken: String) async throws -> Principal {
        let now = deps.now()
        let claims = try await deps.accessTokens.verify(accessToken, now: now)
        guard let (session, user) = try await deps.sessions.find(sessionID: claims.sessionID, userID: claims.userID), session.isAlive(at: now),
            user.isActive
        else { throw DomainError.unauthenticated }
        return Principal(user: user, sessionID: session.id)
    }
}

extension DomainEvent {
    /// `session.revoked`, for the session's user only: one session (`sessionId`) or, with a nil `session`, all of them
    /// (`sessionId` is `*`). An event stream opened by a revoked session closes on it.
    static func sessionRevoked(_ session: UUID?, of userID: UUID, id: UUID, at now: Date) -> DomainEvent {
        DomainEvent(
            id: id, type: "session.revoked", audience: .user(userID),
            data: ["userId": userID.uuidString.lowercased(), "sessionId": session?.uuidString.lowercased() ?? "*"], occurredAt: now)
    }

    /// Whether this event ends the session `sessionID` (a `session.revoked` naming it or all of its user's).
    public func revokes(session sessionID: UUID, of userID: UUID) -> Bool {
        guard type == "session.revoked", audience == .user(userID), let revoked = data["sessionId"] else { return false }
        return revoked == "*" || UUID(uuidString: revoked) == sessionID
    }
}
