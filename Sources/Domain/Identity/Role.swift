/// What a user may do. Use cases ask for permissions, never for roles.
public enum Permission: String, Sendable, CaseIterable {
    case manageOwnAccount
    case writeOwnExamples
    case writeAnyExample
    case manageUsers
    case readAuditLog
    case manageJobs
}

/// A user's role; each maps to a fixed set of permissions.
public enum Role: String, Sendable, CaseIterable, Codable {
    case user
    case admin

    public var permissions: Set<Permission> {
        switch self {
        case .user: [.manageOwnAccount, .writeOwnExamples]
        case .admin: Set(Permission.allCases)
        }
    }

    public func allows(_ permission: Permission) -> Bool {
        permissions.contains(permission)
    }
}
