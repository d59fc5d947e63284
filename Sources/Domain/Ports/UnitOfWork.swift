/// The repositories as seen from inside one transaction. Each is a `var`, so a wrapper (a test's failing double)
/// can replace one and pass the rest on.
public struct Repositories: Sendable {
    public var examples: any ExampleRepository
    public var users: any UserRepository
    public var sessions: any SessionRepository
    public var oneTimeTokens: any OneTimeTokenRepository
    public var auditLog: any AuditLog
    /// Jobs that must follow the transaction's changes: queued only if it commits.
    public var outbox: any OutboxRepository
    public var attachments: any AttachmentRepository
    public var avatars: any AvatarRepository

    public init(
        examples: any ExampleRepository,
        users: any UserRepository,
        sessions: any SessionRepository,
        oneTimeTokens: any OneTimeTokenRepository,
        auditLog: any AuditLog,
        outbox: any OutboxRepository,
        attachments: any AttachmentRepository,
        avatars: any AvatarRepository
    ) {
        self.examples = examples
        self.users = users
        self.sessions = sessions
        self.oneTimeTokens = oneTimeTokens
        self.auditLog = auditLog
        self.outbox = outbox
        self.attachments = attachments
        self.avatars = avatars
    }
}

/// Runs multi-step writes atomically: everything done through the given repositories commits together, or nothing
/// does when `work` throws.
public protocol UnitOfWork: Sendable {
    /// Runs `work` in one transaction and returns its result.
    func transaction<T: Sendable>(_ work: @Sendable (Repositories) async throws -> T) async throws -> T
}
