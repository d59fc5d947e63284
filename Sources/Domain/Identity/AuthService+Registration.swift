import Foundation

extension AuthService {
    /// Whether registration conceals which addresses have an account (`REGISTRATION_CONCEALS_EXISTING`): then clients
    /// call `registerConcealingExisting`, which answers alike whatever the address.
    public var concealsExistingAccounts: Bool { deps.settings.registrationConcealsExisting }

    /// Registration that tells nobody whether the address already has an account. A new address gets an account (role
    /// `user`, unverified) and its verification link, but no session: the client signs in once the address is
    /// confirmed. A taken address gets no account; its owner is told someone tried (at most `accountEmailsPerHour`
    /// times an hour). Both do the same work before answering: one password hash, one allowance count, one attempt to
    /// insert, one queued email, one audit event.
    public func registerConcealingExisting(_ input: Registration, origin: RequestOrigin) async throws {
        let (name, email, password) = try validated(input)
        let now = deps.now()
        let user = try await newAccount(name: name, email: email, password: password, now: now)
        let withinAllowance = try await deps.emailAllowance("register", for: email, at: now) == nil
        do {
            try await deps.unitOfWork.transaction { repositories in
                try await repositories.users.insert(user)
                try await deps.audit(.register, actor: user.id, origin: origin, at: now, in: repositories.auditLog)
                try await deps.send(.verification(userID: user.id), at: now, in: repositories)
            }
        } catch DomainError.conflict {
            if withinAllowance { try await deps.send(.registrationAttempt(email: email), at: now) }
            try await deps.audit(
                .register, actor: nil, outcome: .failure, origin: origin, detail: "email already registered; concealed", at: now)
        }
    }

    /// A new account of role `user`, email unverified, with `password` hashed.
    func newAccount(name: String, email: String, password: String, now: Date) async throws -> User {
        let hash = try await deps.hasher.hash(password)
        return User(
            id: deps.ids.makeID(), name: name, email: email, role: .user, passwordHash: hash, passwordChangedAt: now, createdAt: now,
            updatedAt: now
        )
    }

    /// The checked name, address and password of a registration, or every problem with them.
    func validated(_ input: Registration) throws -> (name: String, email: String, password: String) {
        var problems: [FieldError] = []
        AccountInput.rejectUnknown(input.unknownFields, problems: &problems)
        let name = AccountInput.name(input.name, required: true, problems: &problems)
        let email = AccountInput.email(input.email, required: true, problems: &problems)
        let password = AccountInput.password(input.password, name: "password", policy: deps.settings.passwordPolicy, problems: &problems)
        guard problems.isEmpty, let name, let email, let password else { throw DomainError.validation(problems) }
        return (name, email, password)
    }
}
