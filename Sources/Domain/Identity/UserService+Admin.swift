import Foundation

extension UserService {
    /// What an administrator may change about an account.
    public struct AdminChange: Sendable, Equatable {
        public var name: Field<String>
        public var role: Field<String>
        public var isActive: Field<Bool>
        public var unknownFields: [String]

        public init(name: Field<String> = .absent, role: Field<String> = .absent, isActive: Field<Bool> = .absent, unknownFields: [String] = []) {
            self.name = name
            self.role = role
            self.isActive = isActive
            self.unknownFields = unknownFields
        }
    }

    /// Lists live accounts, newest first, by a substring of name or email and by role.
    public func list(search: String?, role rawRole: String?, page: PageRequest, _ principal: Principal) async throws -> Page<User> {
        try principal.require(.manageUsers)
        var problems: [FieldError] = []
        let term = search?.trimmingWhitespace()
        if let term, term.unicodeScalars.count > 200 {
            problems.append(FieldError(field: "search", message: "search must be at most 200 characters"))
        }
        var role: Role?
        if let rawRole {
            role = Role(rawValue: rawRole)
            if role == nil { problems.append(FieldError(field: "role", message: "role must be one of user, admin")) }
        }
        guard problems.isEmpty else { throw DomainError.validation(problems) }
        let listed = try await deps.users.list(search: term?.isEmpty == false ? term : nil, role: role, page: page)
        let now = deps.now()
        var shown: [User] = []
        for user in listed.items { shown.append(try await deps.withSignInFailures(user, now: now)) }
        return Page(items: shown, total: listed.total, request: listed.request)
    }

    /// Searches live accounts in full text by name and email (`SearchQuery` syntax), optionally of one role, best
    /// match first.
    public func search(_ text: String, role rawRole: String?, page: PageRequest, _ principal: Principal) async throws -> Page<SearchHit<User>> {
        try principal.require(.manageUsers)
        var problems: [FieldError] = []
        var query: SearchQuery?
        do {
            query = try SearchQuery.parse(text)
        } catch .validation(let errors) {
            problems += errors
        }
        var role: Role?
        if let rawRole {
            role = Role(rawValue: rawRole)
            if role == nil { problems.append(FieldError(field: "role", message: "role must be one of user, admin")) }
        }
        guard let query, problems.isEmpty else { throw DomainError.validation(problems) }
        guard !query.isEmpty else { return Page(items: [], total: 0, request: page) }
        let found = try await deps.users.search(query, role: role, page: page)
        let now = deps.now()
        var shown: [SearchHit<User>] = []
        for hit in found.items {
            shown.append(SearchHit(item: try await deps.withSignInFailures(hit.item, now: now), rank: hit.rank, highlights: hit.highlights))
        }
        return Page(items: shown, total: found.total, request: found.request)
    }

    /// One live account.
    public func get(id raw: String, _ principal: Principal) async throws -> User {
        try principal.require(.manageUsers)
        guard let id = UUID(uuidString: raw), let user = try await deps.users.find(id: id) else { throw DomainError.notFound(resource: "User") }
        return try await deps.withSignInFailures(user, now: deps.now())
    }

    /// Changes an account's name, role or active flag. Disabling ends its sessions at once. Administrators cannot
    /// demote or disable themselves, so an administrator always remains.
    public func update(id raw: String, _ change: AdminChange, _ principal: Principal, origin: RequestOrigin) async throws -> User {
        try await require(.manageUsers, principal, for: .updateUser, target: raw, origin: origin)
        var problems: [FieldError] = []
        AccountInput.rejectUnknown(change.unknownFields, problems: &problems)
        let name = AccountInput.name(change.name, required: false, problems: &problems)
        var role: Role?
        switch change.role {
        case .absent: break
        case .invalid(let message): problems.append(FieldError(field: "role", message: message))
        case .value(let text):
            role = Role(rawValue: text)
            if role == nil { problems.append(FieldError(field: "role", message: "role must be one of user, admin")) }
        }
        var isActive: Bool?
        switch change.isActive {
        case .absent: break
        case .invalid(let message): problems.append(FieldError(field: "isActive", message: message))
        case .value(let value): isActive = value
        }
        if problems.isEmpty, name == nil, role == nil, isActive == nil {
            problems.append(FieldError(field: "body", message: "provide at least one of name, role, isActive"))
        }
        guard problems.isEmpty else { throw DomainError.validation(problems) }
        guard let id = UUID(uuidString: raw) else { throw DomainError.notFound(resource: "User") }
        if id == principal.user.id, role == .user || isActive == false {
            throw DomainError.conflict("Administrators cannot demote or disable their own account")
        }

        let now = deps.now()
        let (newRole, newActive) = (role, isActive)
        let updated = try await deps.unitOfWork.transaction { repositories -> User in
            guard var user = try await repositories.users.find(id: id) else { throw DomainError.notFound(resource: "User") }
            let before = user
            if let name { user.name = name }
            if let newRole { user.role = newRole }
            if let newActive { user.isActive = newActive }
            guard user != before else { return user }
            user.updatedAt = max(now, user.updatedAt)
            _ = try await repositories.users.update(user)
            if before.role == .admin, before.isActive, user.role != .admin || !user.isActive {
                try await Self.requireAnotherAdministrator(besides: id, in: repositories.users)
            }
            if before.isActive, !user.isActive {
                _ = try await repositories.sessions.revokeAll(userID: id, except: nil, at: now, reason: "account disabled")
            }
            var changed: [String] = []
            if before.name != user.name { changed.append("name") }
            if before.role != user.role { changed.append("role=\(user.role.rawValue)") }
            if before.isActive != user.isActive { changed.append("isActive=\(user.isActive)") }
            try await deps.audit(
                .updateUser, actor: principal.user.id, target: id, origin: origin, detail: changed.joined(separator: ", "), at: now,
                in: repositories.auditLog
            )
            return user
        }
        // Like every other administrators' answer: the sign-in failures as the throttle counts them.
        return try await deps.withSignInFailures(updated, now: now)
    }

    /// Deletes an account (softly: kept, never shown, its email free again) and ends its sessions.
    public func delete(id raw: String, _ principal: Principal, origin: RequestOrigin) async throws {
        try await require(.manageUsers, principal, for: .deleteUser, target: raw, origin: origin)
        guard let id = UUID(uuidString: raw) else { throw DomainError.notFound(resource: "User") }
        if id == principal.user.id { throw DomainError.conflict("Administrators cannot delete their own account") }
        let now = deps.now()
        try await deps.unitOfWork.transaction { repositories in
            guard let user = try await repositories.users.find(id: id) else { throw DomainError.notFound(resource: "User") }
            if user.role == .admin, user.isActive { try await Self.requireAnotherAdministrator(besides: id, in: repositories.users) }
            // The picture goes with the account: the record now, the object by a job once this commits.
            if case .replaced(let avatar?) = try await repositories.avatars.replace(userID: id, with: nil) {
                try await ObjectDeletion.schedule([avatar.key], in: repositories, now: now)
            }
            guard try await repositories.users.softDelete(id: id, at: now) else { throw DomainError.notFound(resource: "User") }
            _ = try await repositories.sessions.revokeAll(userID: id, except: nil, at: now, reason: "account deleted")
            try await deps.audit(.deleteUser, actor: principal.user.id, target: id, origin: origin, at: now, in: repositories.auditLog)
        }
    }

    /// Forgets the account's failed sign-ins, so its next attempt need not wait (the throttle of the client address
    /// the guesses came from stays).
    public func unlock(id raw: String, _ principal: Principal, origin: RequestOrigin) async throws -> User {
        try await require(.manageUsers, principal, for: .unlockUser, target: raw, origin: origin)
        guard let id = UUID(uuidString: raw), let user = try await deps.users.find(id: id) else { throw DomainError.notFound(resource: "User") }
        let now = deps.now()
        try await deps.clearSignInFailures(email: user.email)
        try await deps.audit(.unlockUser, actor: principal.user.id, target: id, origin: origin, at: now)
        return try await deps.withSignInFailures(user, now: now)
    }

    /// Throws `.forbidden` unless the caller may do this, and audits the refused attempt.
    private func require(_ permission: Permission, _ principal: Principal, for action: AuditAction, target: String, origin: RequestOrigin)
        async throws
    {
        guard principal.allows(permission) else {
            try await deps.audit(
                action, actor: principal.user.id, target: UUID(uuidString: target), outcome: .failure, origin: origin, detail: "forbidden",
                at: deps.now()
            )
            throw DomainError.forbidden("You do not have permission to do this")
        }
    }

    /// Two administrators demoting each other at once must not leave none: checked inside the transaction.
    private static func requireAnotherAdministrator(besides id: UUID, in users: any UserRepository) async throws {
        let admins = try await users.list(search: nil, role: .admin, page: PageRequest(page: 1, limit: PageRequest.maximumLimit)).items
        guard admins.contains(where: { $0.id != id && $0.isActive }) else {
            throw DomainError.conflict("At least one active administrator must remain")
        }
    }

    /// The audit log, for administrators.
    public func auditEvents(filter: AuditFilter, page: PageRequest, _ principal: Principal) async throws -> Page<AuditEvent> {
        try principal.require(.readAuditLog)
        return try await deps.auditLog.list(filter: filter, page: page)
    }
}
