import Foundation

extension AuthService {
    /// Queues a reset email for the account with this address, if there is one. The answer, and the work done
    /// before answering, are the same either way: the worker looks the address up.
    public func forgotPassword(email raw: Field<String>, origin: RequestOrigin) async throws {
        var problems: [FieldError] = []
        guard let email = AccountInput.lookupEmail(raw, problems: &problems) else { throw DomainError.validation(problems) }
        let now = deps.now()
        // Beyond the hourly allowance for this address the request is answered alike but sends nothing: nobody can
        // flood a mailbox or keep retiring its links.
        guard try await deps.emailAllowance("reset", for: email, at: now) == nil else {
            try await deps.audit(.forgotPassword, actor: nil, outcome: .failure, origin: origin, detail: "hourly allowance used", at: now)
            return
        }
        try await deps.send(.passwordReset(email: email), at: now)
        try await deps.audit(.forgotPassword, actor: nil, origin: origin, at: now)
    }

    /// Sets a new password with a reset token. Using the token, changing the password and ending every session
    /// happen in one transaction: all of them or none.
    public func resetPassword(token raw: Field<String>, newPassword rawPassword: Field<String>, origin: RequestOrigin) async throws {
        var problems: [FieldError] = []
        let token = AccountInput.token(raw, name: "token", problems: &problems)
        let password = AccountInput.password(rawPassword, name: "newPassword", policy: deps.settings.passwordPolicy, problems: &problems)
        guard problems.isEmpty, let token, let password else { throw DomainError.validation(problems) }

        let hash = try await deps.hasher.hash(password)
        let digest = deps.secrets.digest(of: token)
        let now = deps.now()
        let email = try await auditingInvalidToken(.resetPassword, origin: origin, now: now) {
            try await deps.unitOfWork.transaction { repositories in
                // A link sent to an address the account no longer has does not work.
                guard let used = try await repositories.oneTimeTokens.consume(digest: digest, purpose: .passwordReset, now: now),
                    constantTimeEquals(used.digest, digest),
                    var user = try await repositories.users.find(id: used.userID), user.isActive, used.email == user.email
                else { throw Self.invalidToken }
                user.passwordHash = hash
                user.passwordChangedAt = now
                // The reset proves control of the mailbox: it verifies that address (and below, ends the throttling of
                // sign-ins to it).
                if user.emailVerifiedAt == nil, used.email == user.email { user.emailVerifiedAt = now }
                // Whoever asked for a pending email change may be who the reset is locking out: the change is dropped
                // and its link stops working.
                user.pendingEmail = nil
                user.updatedAt = max(now, user.updatedAt)
                guard try await repositories.users.update(user) else { throw Self.invalidToken }
                _ = try await repositories.oneTimeTokens.invalidate(userID: user.id, purpose: .passwordReset, at: now)
                _ = try await repositories.oneTimeTokens.invalidate(userID: user.id, purpose: .emailVerification, at: now)
                let ended = try await repositories.sessions.revokeAll(userID: user.id, except: nil, at: now, reason: "password reset")
                try await deps.audit(
                    .resetPassword, actor: user.id, origin: origin, detail: "\(ended) sessions ended", at: now, in: repositories.auditLog)
                try await deps.send(.passwordChanged(userID: user.id), at: now, in: repositories)
                return user.email
            }
        }
        // The reset has committed: a throttle store that fails now must not turn it into an error for the client (its
        // failures are forgotten on their own later).
        try? await deps.clearSignInFailures(email: email)
    }

    /// Changes the caller's password: the current one is required (and a wrong one is throttled like a wrong sign-in),
    /// and every other session ends.
    public func changePassword(
        current rawCurrent: Field<String>, new rawNew: Field<String>, _ principal: Principal, origin: RequestOrigin
    ) async throws {
        var problems: [FieldError] = []
        let current = AccountInput.password(rawCurrent, name: "currentPassword", policy: nil, problems: &problems)
        let new = AccountInput.password(rawNew, name: "newPassword", policy: deps.settings.passwordPolicy, problems: &problems)
        if let current, let new, current == new {
            problems.append(FieldError(field: "newPassword", message: "newPassword must differ from the current password"))
        }
        guard problems.isEmpty, let current, let new else { throw DomainError.validation(problems) }

        let user = principal.user
        let now = deps.now()
        // A wrong current password is throttled like a wrong login: a stolen access token must not become a way to
        // guess the password.
        try await verifyCurrentPassword(current, of: user, action: .changePassword, origin: origin, now: now)
        let hash = try await deps.hasher.hash(new)
        try await deps.unitOfWork.transaction { repositories in
            // The password checked must still be the stored one, and the caller's session still alive: a reset that
            // happened meanwhile wins.
            guard var stored = try await repositories.users.find(id: user.id), stored.passwordHash == user.passwordHash,
                let session = try await repositories.sessions.find(id: principal.sessionID), session.isAlive(at: now)
            else { throw DomainError.unauthenticated }
            stored.passwordHash = hash
            stored.passwordChangedAt = now
            // A pending email change was asked for under the old password: it must be asked for again.
            stored.pendingEmail = nil
            stored.updatedAt = max(now, stored.updatedAt)
            _ = try await repositories.users.update(stored)
            _ = try await repositories.oneTimeTokens.invalidate(userID: user.id, purpose: .emailVerification, at: now)
            let ended = try await repositories.sessions.revokeAll(
                userID: user.id, except: principal.sessionID, at: now, reason: "password change")
            try await deps.audit(
                .changePassword, actor: user.id, origin: origin, detail: "\(ended) other sessions ended", at: now, in: repositories.auditLog)
            try await deps.send(.passwordChanged(userID: user.id), at: now, in: repositories)
        }
    }

    /// Runs `work`; when it refuses the token, the refusal is audited (outside the transaction that rolled back).
    func auditingInvalidToken<T: Sendable>(
        _ action: AuditAction, origin: RequestOrigin, now: Date, _ work: () async throws -> T
    ) async throws -> T {
        do {
            return try await work()
        } catch let error as DomainError where error == Self.invalidToken {
            try await deps.audit(action, actor: nil, outcome: .failure, origin: origin, detail: "invalid or expired token", at: now)
            throw error
        }
    }

    /// One answer for every token that cannot be used (unknown, used, expired, superseded), so none can be told apart.
    static var invalidToken: DomainError {
        .validation([FieldError(field: "token", message: "token is invalid or has expired")])
    }
}
