import Foundation

/// How wrong passwords slow further attempts down: per account, keyed by the normalised email whether or not an
/// account has it (so unknown addresses are throttled exactly like real ones), and per client address. Neither ever
/// locks an account: signed-in sessions and their tokens keep working whoever is guessing.
public struct SignInThrottle: Sendable, Equatable {
    public var account: ThrottlePolicy
    public var address: ThrottlePolicy

    public init(
        account: ThrottlePolicy = ThrottlePolicy(freeFailures: 3, maximumWait: 15 * 60, forgetAfter: 12 * 3600),
        address: ThrottlePolicy = ThrottlePolicy(freeFailures: 20, maximumWait: 15 * 60, forgetAfter: 12 * 3600)
    ) {
        self.account = account
        self.address = address
    }
}

extension IdentityDependencies {
    /// The throttle key of the account with this (normalised) email; a digest, so no address is kept in the store.
    func signInKey(account email: String) -> String { "sign-in:account:\(secrets.digest(of: email))" }

    /// Forgets the failed attempts counted against the account with this email (unlock, password reset).
    func clearSignInFailures(email: String) async throws {
        try await rateLimits.clearFailures(key: signInKey(account: email))
    }

    /// `user` with `failedLoginAttempts` and `lockedUntil` (until when its next attempt has to wait) read from the
    /// throttle, for administrators; the columns of the same names are no longer written.
    func withSignInFailures(_ user: User, now: Date) async throws -> User {
        let policy = settings.signInThrottle.account
        let state = try await rateLimits.failures(key: signInKey(account: user.email), policy: policy, now: now)
        var shown = user
        shown.failedLoginAttempts = state.failures
        shown.lockedUntil = policy.nextAttempt(after: state, now: now)
        return shown
    }
}

extension AuthService {
    /// Checks a password as one throttled attempt on the account with `email` (known or not) from `origin`.
    ///
    /// The attempt is taken from the account's throttle *before* `verify` runs, so concurrent guesses at one account
    /// on any number of instances cannot exceed what its policy allows; an attempt that has to wait (for the account,
    /// or for the client address) is refused with 429 and `Retry-After` and no password is checked. A match forgets
    /// the account's failures; a mismatch stays counted, and is counted against the address too; a check that could
    /// not run (the hasher is overloaded) gives the attempt back. The address counts only failures, never attempts in
    /// flight: many people behind one address signing in at once must not wait for each other. One account's checks
    /// run one at a time in this process, so a burst of correct sign-ins never fills its count with unproven attempts.
    func throttledCheck(
        email: String, actor: UUID?, action: AuditAction, origin: RequestOrigin, now: Date, _ verify: () async throws -> PasswordCheck
    ) async throws -> PasswordCheck {
        let throttle = deps.settings.signInThrottle
        let accountKey = deps.signInKey(account: email)
        let addressKey = origin.clientAddress.map { "sign-in:address:\(ClientAddressPrefix.of($0))" }
        return try await deps.passwordChecks.run(accountKey) {
            if let addressKey {
                let failures = try await deps.rateLimits.failures(key: addressKey, policy: throttle.address, now: now)
                if let until = throttle.address.nextAttempt(after: failures, now: now) {
                    try await refuse(until: until, actor: actor, action: action, origin: origin, now: now)
                }
            }
            if case .refused(let until) = try await deps.rateLimits.reserveAttempt(key: accountKey, policy: throttle.account, now: now) {
                try await refuse(until: until, actor: actor, action: action, origin: origin, now: now)
            }
            let check: PasswordCheck
            do {
                check = try await verify()
            } catch {
                try? await deps.rateLimits.forgiveAttempt(key: accountKey, reservedAt: now)
                throw error
            }
            if check.matches {
                try await deps.rateLimits.clearFailures(key: accountKey)
            } else if let addressKey {
                // Counted once the failure is known; a wait another failure started meanwhile counts it no further.
                _ = try await deps.rateLimits.reserveAttempt(key: addressKey, policy: throttle.address, now: now)
            }
            return check
        }
    }

    /// Checks `password` as the caller's current password (a password change, re-authentication before a sensitive
    /// change): throttled like a sign-in, so a stolen access token is no way to guess the password. A wrong one is
    /// audited and answered 400 naming `currentPassword`.
    func verifyCurrentPassword(_ password: String, of user: User, action: AuditAction, origin: RequestOrigin, now: Date) async throws {
        let check = try await throttledCheck(email: user.email, actor: user.id, action: action, origin: origin, now: now) {
            try await deps.hasher.verify(password, against: user.passwordHash)
        }
        guard check.matches else {
            try await deps.audit(action, actor: user.id, outcome: .failure, origin: origin, detail: "wrong password", at: now)
            throw DomainError.validation([FieldError(field: "currentPassword", message: "currentPassword is incorrect")])
        }
    }

    private func refuse(until: Date, actor: UUID?, action: AuditAction, origin: RequestOrigin, now: Date) async throws -> Never {
        try await deps.audit(action, actor: actor, outcome: .failure, origin: origin, detail: "too many failed attempts", at: now)
        throw DomainError.rateLimited(retryAfterSeconds: Self.seconds(from: now, to: until))
    }
}
