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
        let (name, email, password) = try validated(input)
        let now = deps.now()
        let user = try await newAccount(name: name, email: email, password: password, now: now)
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
    /// after the same work (one password verification), and the same throttling: attempts are counted by email and
    /// client address, known or not, and one that has to wait is refused with 429 before any password is checked.
    public func login(email rawEmail: Field<String>, password rawPassword: Field<String>, origin: RequestOrigin) async throws -> Authentication {
        var problems: [FieldError] = []
        let email = AccountInput.lookupEmail(rawEmail, problems: &problems)
        let password = AccountInput.password(rawPassword, name: "password", policy: nil, problems: &problems)
        guard problems.isEmpty, let email, let password else { throw DomainError.validation(problems) }

        let now = deps.now()
        guard let user = try await deps.users.find(email: email), user.isActive else {
            _ = try await throttledCheck(email: email, actor: nil, action: .login, origin: origin, now: now) {
                try await deps.hasher.verifyDummy(password)
                return PasswordCheck(matches: false, needsRehash: false)
            }
            try await deps.audit(.login, actor: nil, outcome: .failure, origin: origin, detail: "unknown or disabled account", at: now)
            throw DomainError.unauthenticated
        }
        // With concealed registration, an address not yet confirmed signs nobody in, and its right password counts
        // like a wrong one: otherwise registering and then signing in would tell a free address (200, the account
        // just made) from a taken one (401). Following the verification or a reset link confirms it.
        let unconfirmed = deps.settings.registrationConcealsExisting && !user.emailVerified
        let check = try await throttledCheck(email: email, actor: user.id, action: .login, origin: origin, now: now) {
            let check = try await deps.hasher.verify(password, against: user.passwordHash)
            return unconfirmed ? PasswordCheck(matches: false, needsRehash: false) : check
        }
        guard check.matches else {
            let detail = unconfirmed ? "email address not yet verified" : "wrong password"
            try await deps.audit(.login, actor: user.id, outcome: .failure, origin: origin, detail: detail, at: now)
            throw DomainError.unauthenticated
        }
        let (session, refreshToken) = newSession(for: user.id, origin: origin, now: now)
        let rehash = check.needsRehash ? try await deps.hasher.hash(password) : nil
        let signedIn = try await deps.unitOfWork.transaction { repositories in
            // Re-read under the transaction: the account may have been disabled while the password was being checked,
            // and a password that was replaced meanwhile (a reset) no longer signs in.
            guard var current = try await repositories.users.find(id: user.id), current.isActive,
                current.passwordHash == user.passwordHash
            else { throw DomainError.unauthenticated }
            if let rehash {
                current.passwordHash = rehash
                current.updatedAt = max(now, current.updatedAt)
                _ = try await repositories.users.update(current)
            }
            try await repositories.sessions.insert(session)
            try await deps.audit(.login, actor: user.id, origin: origin, at: now, in: repositories.auditLog)
            return current
        }
        return Authentication(user: signedIn, tokens: try await tokens(for: session, refreshToken: refreshToken, now: now))
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
