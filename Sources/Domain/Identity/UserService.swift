import Foundation

/// The account use cases of a signed-in user (their own profile) and of administrators (every account).
public struct UserService: Sendable {
    let deps: IdentityDependencies

    public init(_ dependencies: IdentityDependencies) {
        deps = dependencies
    }

    /// What a user may change about themselves: nothing else (a `role` or `isActive` is an unknown field).
    public struct ProfileChange: Sendable, Equatable {
        public var name: Field<String>
        public var email: Field<String>
        public var unknownFields: [String]

        public init(name: Field<String> = .absent, email: Field<String> = .absent, unknownFields: [String] = []) {
            self.name = name
            self.email = email
            self.unknownFields = unknownFields
        }
    }

    /// The caller's own account.
    public func me(_ principal: Principal) -> User {
        principal.user
    }

    /// Changes the caller's name and asks to change their email: the new address is kept pending, and the current
    /// one stays in use, until a link sent to the new one is followed. An address in use by another account is a
    /// conflict; asking for the current address cancels a pending change.
    public func updateMe(_ change: ProfileChange, _ principal: Principal, origin: RequestOrigin) async throws -> User {
        var problems: [FieldError] = []
        AccountInput.rejectUnknown(change.unknownFields, problems: &problems)
        let name = AccountInput.name(change.name, required: false, problems: &problems)
        let email = AccountInput.email(change.email, required: false, problems: &problems)
        if problems.isEmpty, change.name == .absent, change.email == .absent {
            problems.append(FieldError(field: "body", message: "provide at least one of name, email"))
        }
        guard problems.isEmpty else { throw DomainError.validation(problems) }

        let now = deps.now()
        let user = try await deps.unitOfWork.transaction { repositories -> User in
            guard var user = try await repositories.users.find(id: principal.user.id) else { throw DomainError.unauthenticated }
            if let name { user.name = name }
            var verify = false
            if let email {
                if email == user.email {
                    user.pendingEmail = nil
                } else if email != user.pendingEmail {
                    if try await repositories.users.find(email: email) != nil { throw DomainError.conflict("Email is already registered") }
                    user.pendingEmail = email
                    verify = true
                }
            }
            user.updatedAt = max(now, user.updatedAt)
            guard try await repositories.users.update(user) else { throw DomainError.unauthenticated }
            let action: AuditAction = verify ? .requestEmailChange : .updateProfile
            try await deps.audit(action, actor: user.id, origin: origin, at: now, in: repositories.auditLog)
            if verify { try await deps.send(.verification(userID: user.id), at: now, in: repositories) }
            return user
        }
        return user
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
