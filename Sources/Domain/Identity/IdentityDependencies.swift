import Foundation

/// The ports the identity use cases work through, passed in by the composition root.
public struct IdentityDependencies: Sendable {
    public let users: any UserRepository
    public let sessions: any SessionRepository
    public let oneTimeTokens: any OneTimeTokenRepository
    public let auditLog: any AuditLog
    public let unitOfWork: any UnitOfWork
    public let hasher: any PasswordHasher
    public let accessTokens: any AccessTokenService
    public let secrets: any SecretTokenGenerator
    /// Where account emails are queued (the `email` queue).
    public let jobs: any JobQueue
    public let clock: any WallClock
    public let ids: any IDGenerator
    /// Counts account emails per account, so nobody can flood a mailbox or keep its links dead, and throttles wrong
    /// passwords per email and per client address (`SignInThrottle`).
    public let rateLimits: any RateLimitStore
    public let settings: IdentitySettings
    /// Where account emails are asked for, to be relayed to `jobs` (outside a transaction; inside one, the
    /// transaction's own outbox).
    public let outbox: any OutboxRepository
    /// Password checks of one account (by its throttle key) run one at a time in this process (see
    /// `AuthService.throttledCheck`).
    let passwordChecks = KeyedSerialQueue<String>()

    public init(
        users: any UserRepository, sessions: any SessionRepository, oneTimeTokens: any OneTimeTokenRepository, auditLog: any AuditLog,
        unitOfWork: any UnitOfWork, hasher: any PasswordHasher, accessTokens: any AccessTokenService, secrets: any SecretTokenGenerator,
        jobs: any JobQueue, clock: any WallClock, ids: any IDGenerator, rateLimits: any RateLimitStore, settings: IdentitySettings,
        outbox: any OutboxRepository
    ) {
        self.outbox = outbox
        self.users = users
        self.sessions = sessions
        self.oneTimeTokens = oneTimeTokens
        self.auditLog = auditLog
        self.unitOfWork = unitOfWork
        self.hasher = hasher
        self.accessTokens = accessTokens
        self.secrets = secrets
        self.jobs = jobs
        self.clock = clock
        self.ids = ids
        self.rateLimits = rateLimits
        self.settings = settings
    }

    /// The current time at the millisecond precision every adapter stores.
    func now() -> Date { clock.now().truncatedToMilliseconds }

    /// Appends an audit event stamped with `origin`.
    func audit(
        _ action: AuditAction, actor: UUID?, target: UUID? = nil, outcome: AuditOutcome = .success, origin: RequestOrigin,
        detail: String? = nil, at now: Date, in log: (any AuditLog)? = nil
    ) async throws {
        let event = AuditEvent(
            id: ids.makeID(), occurredAt: now, actorID: actor, action: action.rawValue, targetID: target?.uuidString.lowercased(),
            outcome: outcome, clientAddress: origin.clientAddress, userAgent: origin.userAgent.map { String($0.prefix(512)) },
            requestID: origin.requestID, detail: detail
        )
        try await (log ?? auditLog).record(event)
    }

    /// Counts one account email of `kind` for `account` and says whether it is within the hourly allowance; when not,
    /// returns the seconds until it is.
    func emailAllowance(_ kind: String, for account: String, at now: Date) async throws -> Int? {
        let decision = try await rateLimits.hit(
            key: "account-email:\(kind):\(account)", limit: settings.accountEmailsPerHour, window: 3600, now: now
        )
        return decision.allowed ? nil : decision.retryAfterSeconds(now: now)
    }

    /// Queues an account email to be sent by the worker.
    /// Asks for `email` through the outbox. Inside a transaction (`repositories`) the request commits with the
    /// change, or is dropped with it; the relay then queues it, so a change never lacks its email because the queue
    /// was unreachable, and an email never goes out for a change that rolled back.
    func send(_ email: AccountEmail, at now: Date, in repositories: Repositories? = nil) async throws {
        try await (repositories?.outbox ?? outbox).add(email.jobRequest(id: ids.makeID()), now: now)
    }
}

/// Every action the audit log records.
public enum AuditAction: String, Sendable, CaseIterable {
    case register = "auth.register"
    case login = "auth.login"
    case refresh = "auth.refresh"
    case refreshReuse = "auth.refresh_reuse"
    case logout = "auth.logout"
    case revokeAll = "auth.revoke_all"
    case endSession = "auth.session_end"
    case verifyEmail = "auth.email_verify"
    case resendVerification = "auth.verification_resend"
    case forgotPassword = "auth.password_forgot"
    case resetPassword = "auth.password_reset"
    case changePassword = "auth.password_change"
    case updateProfile = "user.profile_update"
    case requestEmailChange = "user.email_change_request"
    case cancelEmailChange = "user.email_change_cancel"
    case createUser = "admin.user_create"
    case updateUser = "admin.user_update"
    case deleteUser = "admin.user_delete"
    case unlockUser = "admin.user_unlock"
    case retryJob = "admin.job_retry"
    case deleteJob = "admin.job_delete"
    case purgeJobs = "admin.jobs_purge"
}
