import Foundation

/// The account use cases of a signed-in user (their own profile) and of administrators (every account).
public struct UserService: Sendable {
    let deps: IdentityDependencies

    public init(_ dependencies: IdentityDependencies) {
        deps = dependencies
    }

    /// What a user may change about themselves: nothing else (a `role` or `isActive` is an unknown field). An email
    /// change also needs the current password.
    public struct ProfileChange: Sendable, Equatable {
        public var name: Field<String>
        public var email: Field<String>
        public var currentPassword: Field<String>
        public var unknownFields: [String]

        public init(
            name: Field<String> = .absent, email: Field<String> = .absent, currentPassword: Field<String> = .absent,
            unknownFields: [String] = []
        ) {
            self.name = name
            self.email = email
            self.currentPassword = currentPassword
            self.unknownFields = unknownFields
        }
    }

    /// The caller's own account.
    public func me(_ principal: Principal) -> User {
        principal.user
    }

    /// Changes the caller's name and asks to change their email. Sending `email` needs the current password
    /// (re-authentication: a stolen access token alone must not take the account). The new address is kept pending, and
    /// the current one stays in use, until a link sent to the new one is followed; the current address is sent a link
    /// that undoes the change for `EMAIL_CHANGE_CANCEL_TTL`. An address of another account is answered like any other
    /// (its owner gets a notice instead of a link, and it never becomes this account's), so the answer tells nobody who
    /// has an account. Asking for the current address drops a pending change.
    public func updateMe(_ change: ProfileChange, _ principal: Principal, origin: RequestOrigin) async throws -> User {
        var problems: [FieldError] = []
        AccountInput.rejectUnknown(change.unknownFields, problems: &problems)
        let name = AccountInput.name(change.name, required: false, problems: &problems)
        let email = AccountInput.email(change.email, required: false, problems: &problems)
        var password: String?
        if change.email != .absent || change.currentPassword != .absent {
            password = AccountInput.password(change.currentPassword, name: "currentPassword", policy: nil, problems: &problems)
        }
        if problems.isEmpty, change.name == .absent, change.email == .absent {
            problems.append(FieldError(field: "body", message: "provide at least one of name, email"))
        }
        guard problems.isEmpty else { throw DomainError.validation(problems) }

        let now = deps.now()
        if let password {
            // Checked and throttled like a sign-in: a stolen access token is no way to guess the password either.
            try await AuthService(deps).verifyCurrentPassword(
                password, of: principal.user, action: email == nil ? .updateProfile : .requestEmailChange, origin: origin, now: now)
        }
        if let email, email != principal.user.email, email != principal.user.pendingEmail,
            let wait = try await deps.emailAllowance("change", for: principal.user.id.uuidString, at: now)
        {
            // Each change mails two addresses, one of which the caller chooses: at most the hourly allowance, whether or
            // not the address has an account.
            try await deps.audit(
                .requestEmailChange, actor: principal.user.id, outcome: .failure, origin: origin, detail: "too many email changes", at: now)
            throw DomainError.rateLimited(retryAfterSeconds: wait)
        }
        return try await apply(name: name, email: email, principal, origin: origin, now: now)
    }

    private func apply(name: String?, email: String?, _ principal: Principal, origin: RequestOrigin, now: Date) async throws -> User {
        // Looked up whatever the address, so a taken one costs the same work as a free one; only the audit log says.
        var found: User?
        if let email { found = try await deps.users.find(email: email) }
        let holder = found
        return try await deps.unitOfWork.transaction { repositories -> User in
            // The password checked must still be the stored one: a reset that happened meanwhile wins.
            guard var user = try await repositories.users.find(id: principal.user.id), user.passwordHash == principal.user.passwordHash else {
                throw DomainError.unauthenticated
            }
            if let name { user.name = name }
            var requested: (previous: String, new: String)?
            if let email {
                if email == user.email {
                    user.pendingEmail = nil
                } else if email != user.pendingEmail {
                    user.pendingEmail = email
                    requested = (user.email, email)
                }
            }
            user.updatedAt = max(now, user.updatedAt)
            guard try await repositories.users.update(user) else { throw DomainError.unauthenticated }
            let taken = holder.map { $0.id != user.id } ?? false
            try await deps.audit(
                requested == nil ? .updateProfile : .requestEmailChange, actor: user.id, origin: origin,
                detail: requested != nil && taken ? "address belongs to another account" : nil, at: now, in: repositories.auditLog)
            if let requested {
                // The worker sends the new address its link (or, when it is another account's, a notice instead), and the
                // address being replaced its way back.
                try await deps.send(.verification(userID: user.id), at: now, in: repositories)
                try await deps.send(
                    .emailChangeRequested(userID: user.id, previousEmail: requested.previous, newEmail: requested.new, requestedAt: now), at: now,
                    in: repositories)
            }
            return user
        }
    }

    /// Creates an administrator (the CLI's `users create-admin`): there are no default accounts.
    public func createAdministrator(name rawName: String, email rawEmail: String, password rawPassword: String) async throws -> User {
        var problems: [FieldError] = []
        let name = AccountInput.name(.value(rawName), required: true, problems: &problems)
        let email = AccountInput.email(.value(rawEmail), required: true, problems: &problems)
        let password = AccountInput.password(.value(rawPassword), name: "password", policy: deps.settings.passwordPolicy, problems: &problems)
        guard problems.isEmpty, let name, let email, let password else { throw DomainError.validation(problems) }
        let hash = try await deps.hasher.hash(password)
        let now = deps.now()
        let user = User(
            id: deps.ids.makeID(), name: name, email: email, role: .admin, passwordHash: hash, emailVerifiedAt: now, passwordChangedAt: now,
            createdAt: now, updatedAt: now
        )
        try await deps.unitOfWork.transaction { repositories in
            try await repositories.users.insert(user)
            try await deps.audit(
                .createUser, actor: nil, target: user.id, origin: RequestOrigin(userAgent: "portside-cli"), detail: "administrator", at: now,
                in: repositories.auditLog)
        }
        return user
    }
}
