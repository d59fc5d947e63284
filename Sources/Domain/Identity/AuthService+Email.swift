import Foundation

extension AuthService {
    /// Follows a verification link: verifies the address it was sent to. For a pending address (an email change),
    /// the address becomes the account's email, and the previous address is told.
    public func verifyEmail(token raw: Field<String>, origin: RequestOrigin) async throws -> User {
        var problems: [FieldError] = []
        guard let token = AccountInput.token(raw, name: "token", problems: &problems) else { throw DomainError.validation(problems) }
        let digest = deps.secrets.digest(of: token)
        let now = deps.now()
        let user = try await auditingInvalidToken(.verifyEmail, origin: origin, now: now) {
            try await deps.unitOfWork.transaction { repositories -> User in
                guard let used = try await repositories.oneTimeTokens.consume(digest: digest, purpose: .emailVerification, now: now),
                    constantTimeEquals(used.digest, digest),
                    var user = try await repositories.users.find(id: used.userID), user.isActive
                else { throw Self.invalidToken }
                var previous: String?
                if used.email == user.pendingEmail {
                    previous = user.email
                    user.email = used.email
                    user.pendingEmail = nil
                    user.emailVerifiedAt = now
                    // Reset links went to the old address: they stop working with it.
                    _ = try await repositories.oneTimeTokens.invalidate(userID: user.id, purpose: .passwordReset, at: now)
                } else if used.email == user.email {
                    if user.emailVerifiedAt == nil { user.emailVerifiedAt = now }
                } else {
                    // Sent to an address the account no longer asks for.
                    throw Self.invalidToken
                }
                user.updatedAt = max(now, user.updatedAt)
                _ = try await repositories.users.update(user)
                try await deps.audit(
                    .verifyEmail, actor: user.id, origin: origin, detail: previous == nil ? nil : "email changed", at: now, in: repositories.auditLog)
                if let previous { try await deps.send(.emailChanged(userID: user.id, previousEmail: previous), at: now, in: repositories) }
                return user
            }
        }
        return user
    }

    /// Sends a new verification link (the older ones stop working) to the pending address, or to the account's
    /// address while it is unverified.
    public func resendVerification(_ principal: Principal, origin: RequestOrigin) async throws {
        let user = principal.user
        guard user.pendingEmail != nil || !user.emailVerified else { throw DomainError.conflict("Email is already verified") }
        let now = deps.now()
        if let wait = try await deps.emailAllowance("verify", for: user.id.uuidString, at: now) {
            throw DomainError.rateLimited(retryAfterSeconds: wait)
        }
        try await deps.send(.verification(userID: user.id), at: now)
        try await deps.audit(.resendVerification, actor: user.id, origin: origin, at: now)
    }
}
