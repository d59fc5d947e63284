import Foundation

/// An account. Passwords are kept only as a hash; the email is stored normalised (trimmed, lower-cased) and is
/// unique among live accounts.
public struct User: Sendable, Equatable, Identifiable {
    public let id: UUID
    public var name: String
    public var email: String
    /// An address the user asked to change to: it replaces `email` only once a link sent to it is followed.
    public var pendingEmail: String?
    public var role: Role
    public var passwordHash: String
    public var emailVerifiedAt: Date?
    /// False when an administrator has disabled the account.
    public var isActive: Bool
    /// Failed sign-ins remembered by the throttle (`SignInThrottle`), filled in for administrators' views; the stored
    /// column is no longer written.
    public var failedLoginAttempts: Int
    /// Until when the next sign-in attempt has to wait, filled in from the throttle like `failedLoginAttempts`.
    public var lockedUntil: Date?
    public var passwordChangedAt: Date
    public let createdAt: Date
    public var updatedAt: Date
    /// The user's picture, as read with the user; written only through `AvatarRepository` (`UserRepository.update`
    /// leaves it alone).
    public var avatar: Avatar?

    public init(
        id: UUID, name: String, email: String, pendingEmail: String? = nil, role: Role, passwordHash: String, emailVerifiedAt: Date? = nil,
        isActive: Bool = true, failedLoginAttempts: Int = 0, lockedUntil: Date? = nil, passwordChangedAt: Date, createdAt: Date,
        updatedAt: Date, avatar: Avatar? = nil
    ) {
        self.id = id
        self.name = name
        self.email = email
        self.pendingEmail = pendingEmail
        self.role = role
        self.passwordHash = passwordHash
        self.emailVerifiedAt = emailVerifiedAt
        self.isActive = isActive
        self.failedLoginAttempts = failedLoginAttempts
        self.lockedUntil = lockedUntil
        self.passwordChangedAt = passwordChangedAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.avatar = avatar
    }

    public var emailVerified: Bool { emailVerifiedAt != nil }

    /// What a full-text search looks at: the name, weighted above the email (as the database indexes weigh them).
    public var searchFields: [SearchField] {
        [SearchField(name: "name", text: name, weight: 10), SearchField(name: "email", text: email, weight: 1)]
    }
}

extension UserRepository {
    public func search(_ query: SearchQuery, page: PageRequest) async throws -> Page<SearchHit<User>> {
        try await search(query, role: nil, page: page)
    }
}

/// Stores accounts. Deleted accounts are kept (soft delete) but no method returns them, and their email is free
/// for a new account.
///
/// Name and email are searchable in full text (`SearchIndex`): matches in the name rank above matches in the email,
/// whose `@` and dots separate words.
public protocol UserRepository: SearchIndex where Item == User {
    /// Stores a new user; throws `DomainError.conflict` when a live user already has the email.
    func insert(_ user: User) async throws
    /// Returns the live user with this id. Inside a transaction the row stays locked until the transaction ends, so
    /// read-modify-write sequences (failed-login counters) never lose an update.
    func find(id: UUID) async throws -> User?
    /// Returns the live user whose (normalised) email this is.
    func find(email: String) async throws -> User?
    /// Saves every mutable field of a live user; false when there is none; throws `DomainError.conflict` when the
    /// email belongs to another live user.
    func update(_ user: User) async throws -> Bool
    /// Returns one page of live users, newest first, optionally only those of `role` and those whose name or email
    /// contains `search`, ignoring ASCII case.
    func list(search: String?, role: Role?, page: PageRequest) async throws -> Page<User>
    /// One page of live users matching `query`, optionally only those of `role`, best match first (ties: newest first).
    func search(_ query: SearchQuery, role: Role?, page: PageRequest) async throws -> Page<SearchHit<User>>
    /// Marks a live user deleted; false when there is none.
    func softDelete(id: UUID, at: Date) async throws -> Bool
}
