import Foundation

extension AuthService {
    /// Follows the link sent to the address an email change replaces: the change is dropped if still pending, or undone
    /// if already made (the address the link was sent to becomes the account's email again), and every session ends.
    /// The oldest unused link wins: it also retires every cancel link made after it, so whoever took the account and
    /// then changed its email again cannot use the links sent to their own address to undo the owner's cancel.
    ///
    /// Whoever asked for the change knew the password, so the cancel also retires the password (the owner sets a new
    /// one through a reset link, which now goes to their own address), and takes the address back from an account
    /// made with it after the change began that never proved it owns it: registering the freed address must not be a
    /// way to keep it.
    public func cancelEmailChange(token raw: Field<String>, origin: RequestOrigin) async throws {
        var problems: [FieldError] = []
        guard let token = AccountInput.token(raw, name: "token", problems: &problems) else { throw DomainError.validation(problems) }
        let digest = deps.secrets.digest(of: token)
        // Hashed before the transaction (hashing is slow), whether or not the token turns out good.
        let retiredPassword = try await deps.hasher.hash(deps.secrets.makeToken())
        let now = deps.now()
        try await auditingInvalidToken(.cancelEmailChange, origin: origin, now: now) {
            try await deps.unitOfWork.transaction { repositories in
                guard let used = try await repositories.oneTimeTokens.consume(digest: digest, purpose: .emailChangeCancel, now: now),
                    constantTimeEquals(used.digest, digest),
                    var user = try await repositories.users.find(id: used.userID)
                else { throw Self.invalidToken }
                _ = try await repositories.oneTimeTokens.invalidate(
                    userID: user.id, purpose: .emailChangeCancel, createdSince: used.createdAt, at: now)
                var detail = user.pendingEmail == nil ? "no change pending" : "pending change dropped"
                if used.email != user.email {
                    let holder = try await repositories.users.find(email: used.email).flatMap { $0.id == user.id ? nil : $0 }
                    if let holder, holder.emailVerified || holder.createdAt < used.createdAt {
                        // An account that proved the address, or held it before the change began: the sessions still
                        // end, and the audit says why the address was not restored.
                        detail = "change kept: the previous address now belongs to another account"
                    } else {
                        if let holder {
                            // Made with the freed address while the change ran, and never confirmed: it gives it back.
                            _ = try await repositories.users.softDelete(id: holder.id, at: now)
                            _ = try await repositories.sessions.revokeAll(userID: holder.id, except: nil, at: now, reason: "address reclaimed")
                            try await deps.audit(
                                .cancelEmailChange, actor: user.id, target: holder.id, origin: origin,
                                detail: "unconfirmed account holding the previous address removed", at: now, in: repositories.auditLog)
                        }
                        user.email = used.email
                        detail = "previous address restored"
                    }
                }
                if used.email == user.email {
                    // The link proves control of the address it was sent to.
                    user.emailVerifiedAt = user.emailVerifiedAt ?? now
                }
                user.pendingEmail = nil
                user.passwordHash = retiredPassword
                user.passwordChangedAt = now
                user.updatedAt = max(now, user.updatedAt)
                guard try await repositories.users.update(user) else { throw Self.invalidToken }
                // Links sent to the address that was being taken over stop working.
                _ = try await repositories.oneTimeTokens.invalidate(userID: user.id, purpose: .emailVerification, at: now)
                _ = try await repositories.oneTimeTokens.invalidate(userID: user.id, purpose: .passwordReset, at: now)
                let ended = try await repositories.sessions.revokeAll(userID: user.id, except: nil, at: now, reason: "email change cancelled")
                try await deps.audit(
                    .cancelEmailChange, actor: user.id, origin: origin, detail: "\(detail); password retired; \(ended) sessions ended", at: now,
                    in: repositories.auditLog)
            }
        }
    }
}
