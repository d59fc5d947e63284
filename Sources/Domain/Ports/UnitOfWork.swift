/// The repositories as seen from inside one transaction.
public struct Repositories: Sendable {
    public let examples: any ExampleRepository
    public let users: any UserRepository
    public let sessions: any SessionRepository
    public let oneTimeTokens: any OneTimeTokenRepository
    public let auditLog: any AuditLog
    /// Jobs that must follow the transaction's changes: queued only if it commits.
    public let outbox: any OutboxRepository

    public init(
        examples: any ExampleRepository,
        users: any UserRepository,
        sessions: any SessionRepository,
        oneTimeTokens: any OneTimeTokenRepository,
        auditLog: any AuditLog,
        outbox: any OutboxRepository
    ) {
        self.examples = examples
        self.users = users
        self.sessions = sessions
        self.oneTimeTokens = oneTimeTokens
        self.auditLog = auditLog
        self.outbox = outbox
    }
}

/// Runs multi-step writes atomically: everything done through the given repositories commits together, or nothing
/// does when `work` throws.
public protocol UnitOfWork: Sendable {
    /// Runs `work` in one transaction and returns its result.
    func transaction<T: Sendable>(_ work: @Sendable (Repositories) async throws -> T) async throws -> T
}
