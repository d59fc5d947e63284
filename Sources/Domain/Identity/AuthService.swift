import Foundation

/// Registration and sign-in: the account use cases a client calls without a session.
public struct AuthService: Sendable {
    let deps: IdentityDependencies

    public init(_ dependencies: IdentityDependencies) {
        deps = dependencies
    }

    /// Client input for registration.
    public struct Registration: Sendable, Equatable {
        public var name: Field<String>
        public var email: Field<String>
        public var password: Field<String>
        /// Fields registration does not take (such as `role`); each one is rejected.
        public var unknownFields: [String]

        public init(name: Field<String> = .absent, email: Field<String> = .absent, password: Field<String> = .absent, unknownFields: [String] = []) {
            self.name = name
            self.email = email
            self.password = password
            self.unknownFields = unknownFields
        }
    }

    /// Creates a user account (role `user`, email unverified), signs it in and queues the verification email.
    public func register(_ input: Registration, origin: RequestOrigin) async throws -> Authentication {
        var problems: [FieldError] = []
        AccountInput.rejectUnknown(input.unknownFields, problems: &problems)
        let name = AccountInput.name(input.name, required: true, problems: &problems)
        let email = AccountInput.email(input.email, required: true, problems: &problems)
        let password = AccountInput.password(input.password, name: "password", policy: deps.settings.passwordPolicy, problems: &problems)
        guard problems.isEmpty, let name, let email, let password else { throw DomainError.validation(problems) }

        let hash = try await deps.hasher.hash(password)
        let now = deps.now()
        let user = User(
            id: deps.ids.makeID(), name: name, email: email, role: .user, passwordHash: hash, passwordChangedAt: now, createdAt: now,
            updatedAt: now
        )
        let (session, refreshToken) = newSession(for: user.id, origin: origin, now: now)
        do {
            try await deps.unitOfWork.transaction { repositories in
                try await repositories.users.insert(user)
                try await repositories.sessions.insert(session)
                try await deps.audit(.register, actor: user.id, origin: origin, at: now, in: repositories.auditLog)
                try await deps.send(.verification(userID: user.id), at: now, in: repositories)
            }
        } catch let error as DomainError {
            try await deps.audit(.register, actor: nil, outcome: .failure, origin: origin, detail: "email already registered", at: now)
            throw error
        }
        return Authentication(user: user, tokens: try await tokens(for: session, refreshToken: refreshToken, now: now))
    }

    /// Signs in with email and password. An unknown or disabled account and a wrong password get the same answer
    /// after the same work (one password verification); a locked account is refused before its password is checked.
    public func login(email rawEmail: Field<String>, password rawPassword: Field<String>, origin: RequestOrigin) async throws -> Authentication {
        var problems: [FieldError] = []
        let email = AccountInput.lookupEmail(rawEmail, problems: &problems)
        let password = AccountInput.password(rawPassword, name: "password", policy: nil, problems: &problems)
        guard problems.isEmpty, let email, let password else { throw DomainError.validation(problems) }

        let now = deps.now()
        guard let user = try await deps.users.find(email: email), user.isActive else {
            try await deps.hasher.verifyDummy(password)
            try await deps.audit(.login, actor: nil, outcome: .failure, origin: origin, detail: "unknown or disabled account", at: now)
            throw DomainError.unauthenticated
        }
        let (session, refreshToken) = newSession(for: user.id, origin: origin, now: now)
        let signedIn = try await deps.passwordChecks.run(user.id) {
            try await reserveAttempt(userID: user.id, action: .login, origin: origin, now: now)
            let check = try await checkingReservedAttempt(userID: user.id) {
                try await deps.hasher.verify(password, against: user.passwordHash)
            }
            guard check.matches else {
                try await recordFailedAttempt(userID: user.id, action: .login, origin: origin, now: now)
                throw DomainError.unauthenticated
            }
            let rehash = check.needsRehash ? try await deps.hasher.hash(password) : nil
            return try await deps.unitOfWork.transaction { repositories in
                // Re-read under the transaction: the account may have changed while the password was being checked
                // (another instance may have locked it), and a password that was replaced meanwhile (a reset) no
                // longer signs in.
                guard var current = try await repositories.users.find(id: user.id), current.isActive,
                    current.passwordHash == user.passwordHash
                else { throw DomainError.unauthenticated }
                if let until = current.lockedUntil, until > now {
                    throw DomainError.locked(retryAfterSeconds: Self.seconds(from: now, to: until))
                }
                current.failedLoginAttempts = 0
                current.lockedUntil = nil
                if let rehash { current.passwordHash = rehash }
                current.updatedAt = max(now, current.updatedAt)
                _ = try await repositories.users.update(current)
                try await repositories.sessions.insert(session)
                try await deps.audit(.login, actor: user.id, origin: origin, at: now, in: repositories.auditLog)
                return current
            }
        }
        return Authentication(user: signedIn, tokens: try await tokens(for: session, refreshToken: refreshToken, now: now))
    }

    /// Counts a password attempt *before* the password is checked, so concurrent guesses cannot exceed the limit:
    /// callers run it, the check and its outcome inside `deps.passwordChecks`, one account at a time in a process, so
    /// the attempts in flight are at most one per instance and a burst of correct logins never counts towards a lock.
    /// a locked account, or one whose unproven attempts already reach `LOCKOUT_MAX_ATTEMPTS`, is refused with 423
    /// without checking any password (the latter locks it). A lock that has expired starts the count afresh. A
    /// success resets the count; a failure keeps it (see `recordFailedAttempt`).
    func reserveAttempt(userID: UUID, action: AuditAction, origin: RequestOrigin, now: Date) async throws {
        let lockout = deps.settings.lockout
        let lockedUntil: Date? = try await deps.unitOfWork.transaction { repositories in
            guard var user = try await repositories.users.find(id: userID) else { throw DomainError.unauthenticated }
            if let until = user.lockedUntil, until <= now {
                user.lockedUntil = nil
                user.failedLoginAttempts = 0
            }
            if let until = user.lockedUntil {
                try await deps.audit(
                    action, actor: userID, outcome: .failure, origin: origin, detail: "account locked", at: now, in: repositories.auditLog)
                return until
            }
            if user.failedLoginAttempts >= lockout.maximumAttempts {
                return try await lock(&user, origin: origin, now: now, in: repositories)
            }
            user.failedLoginAttempts += 1
            user.updatedAt = max(now, user.updatedAt)
            _ = try await repositories.users.update(user)
            return nil
        }
        if let lockedUntil { throw DomainError.locked(retryAfterSeconds: Self.seconds(from: now, to: lockedUntil)) }
    }

    /// Runs the password check of a reserved attempt; when the check itself fails (the hasher is overloaded), the
    /// attempt is given back: no password was tried.
    func checkingReservedAttempt(userID: UUID, _ check: () async throws -> PasswordCheck) async throws -> PasswordCheck {
        do {
            return try await check()
        } catch {
            try? await deps.unitOfWork.transaction { repositories in
                guard var user = try await repositories.users.find(id: userID), user.lockedUntil == nil, user.failedLoginAttempts > 0 else { return }
                user.failedLoginAttempts -= 1
                _ = try await repositories.users.update(user)
            }
            throw error
        }
    }

    /// Records a wrong password whose attempt `reserveAttempt` already counted; the attempt that reaches the limit
    /// locks the account and is answered with 423.
    func recordFailedAttempt(userID: UUID, action: AuditAction, origin: RequestOrigin, now: Date) async throws {
        let lockout = deps.settings.lockout
        let lockedUntil: Date? = try await deps.unitOfWork.transaction { repositories in
            guard var user = try await repositories.users.find(id: userID) else { return nil }
            try await deps.audit(
                action, actor: userID, outcome: .failure, origin: origin, detail: "wrong password", at: now, in: repositories.auditLog)
            guard user.lockedUntil == nil, user.failedLoginAttempts >= lockout.maximumAttempts else { return user.lockedUntil }
            return try await lock(&user, origin: origin, now: now, in: repositories)
        }
        if let lockedUntil, lockedUntil > now { throw DomainError.locked(retryAfterSeconds: Self.seconds(from: now, to: lockedUntil)) }
    }

    /// Locks `user` for `LOCKOUT_DURATION` from `now`, starting the count afresh, and audits it; returns the end.
    private func lock(_ user: inout User, origin: RequestOrigin, now: Date, in repositories: Repositories) async throws -> Date {
        let until = now.addingTimeInterval(deps.settings.lockout.duration)
        user.lockedUntil = until
        user.failedLoginAttempts = 0
        user.updatedAt = max(now, user.updatedAt)
        _ = try await repositories.users.update(user)
        try await deps.audit(.lock, actor: user.id, target: user.id, origin: origin, at: now, in: repositories.auditLog)
        return until
    }

    /// A new session for `userID` and the refresh token that belongs to it.
    func newSession(for userID: UUID, origin: RequestOrigin, now: Date) -> (Session, String) {
        let refreshToken = deps.secrets.makeToken()
        let settings = deps.settings
        let absolute = now.addingTimeInterval(settings.sessionMaximumLifetime)
        let session = Session(
            id: deps.ids.makeID(), userID: userID, refreshTokenDigest: deps.secrets.digest(of: refreshToken),
            userAgent: origin.userAgent.map { String($0.prefix(512)) }, clientAddress: origin.clientAddress, createdAt: now, lastUsedAt: now,
            expiresAt: min(now.addingTimeInterval(settings.refreshTokenLifetime), absolute), absoluteExpiresAt: absolute
        )
        return (session, refreshToken)
    }

    func tokens(for session: Session, refreshToken: String, now: Date) async throws -> TokenPair {
        let access = try await deps.accessTokens.issue(userID: session.userID, sessionID: session.id, tokenID: deps.ids.makeID(), now: now)
        return TokenPair(accessToken: access, refreshToken: refreshToken)
    }

    /// Whole seconds from `now` until `date`, at least 1 (for Retry-After).
    static func seconds(from now: Date, to date: Date) -> Int {
        max(1, Int(date.timeIntervalSince(now).rounded(.up)))
    }
}
