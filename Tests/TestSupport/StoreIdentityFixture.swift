import CryptoAdapters
import Domain
import Foundation
import MemoryAdapters

/// The identity use cases on persistence ports a test chooses (a real database, a unit of work that fails on cue),
/// with the rest as in `IdentityFixture`: the counting hasher, the real JWT and token services, a test clock, and jobs
/// and mail in memory. Each test builds its own.
public struct StoreIdentityFixture: Sendable {
    public let clock = TestClock()
    public let jobs = MemoryJobQueue()
    public let mailer = MemoryMailer()
    public let hasher = CountingPasswordHasher()
    public let dependencies: IdentityDependencies

    public init(
        users: any UserRepository, sessions: any SessionRepository, oneTimeTokens: any OneTimeTokenRepository, auditLog: any AuditLog,
        outbox: any OutboxRepository, unitOfWork: any UnitOfWork
    ) async {
        let tokens = await JWTAccessTokenService(settings: AccessTokenSettings(secret: IdentityFixture.jwtSecret))
        dependencies = IdentityDependencies(
            users: users, sessions: sessions, oneTimeTokens: oneTimeTokens, auditLog: auditLog, unitOfWork: unitOfWork, hasher: hasher,
            accessTokens: tokens, secrets: SecureTokenGenerator(), jobs: jobs, clock: clock, ids: SequentialIDs(), rateLimits: RateLimitMemoryStore(),
            settings: IdentitySettings(publicBaseURL: "https://app.example.com"), outbox: outbox
        )
    }

    public var auth: AuthService { AuthService(dependencies) }

    /// Relays the outbox and runs every due email job, then returns the token of the newest link to `address` with this path
    /// (`verify-email` or `reset-password`).
    public func token(sentTo address: String, path: String) async throws -> String? {
        while try await OutboxRelay(outbox: dependencies.outbox, queue: jobs, clock: clock).relayBatch() > 0 {}
        let runner = JobRunner(
            queue: jobs, handlers: [AccountEmailHandler(dependencies: dependencies, mailer: mailer)], retryPolicy: RetryPolicy(),
            clock: clock, jitter: { 0 }
        )
        while try await runner.runNext(from: AccountEmail.queue, lease: 60) != nil {}
        for message in await mailer.sent.filter({ $0.to == address }).reversed() {
            guard let range = message.text.range(of: "/\(path)?token=") else { continue }
            return String(message.text[range.upperBound...].prefix { !$0.isWhitespace })
        }
        return nil
    }
}
