import CryptoAdapters
import Domain
import Foundation
import MemoryAdapters
import Synchronization

/// A password hasher that does no real work but counts every call, so tests can prove which checks ran. Hashes
/// look like `fake-v2:<password>`; a `fake-v1:` hash verifies but asks to be rehashed.
public final class CountingPasswordHasher: PasswordHasher {
    public struct Counts: Sendable, Equatable {
        public var hashes = 0
        public var verifications = 0
        public var dummies = 0
    }

    private let state = Mutex(Counts())
    private let refusal = Mutex<DomainError?>(nil)
    private let verificationTime = Mutex(Duration.zero)

    public init() {}

    /// From now on every verification takes `duration`, as a real one takes tens of milliseconds, so that concurrent
    /// callers overlap.
    public func takeTime(verifying duration: Duration) {
        verificationTime.withLock { $0 = duration }
    }

    public var counts: Counts { state.withLock { $0 } }

    /// From now on every call throws `error` (as the real hasher does with `.overloaded` when its queue is full); nil
    /// makes it work again.
    public func refuse(with error: DomainError?) {
        refusal.withLock { $0 = error }
    }

    private func checkRefusal() throws {
        if let error = refusal.withLock({ $0 }) { throw error }
    }

    public func hash(_ password: String) async throws -> String {
        try checkRefusal()
        state.withLock { $0.hashes += 1 }
        return "fake-v2:" + password
    }

    public func verify(_ password: String, against hash: String) async throws -> PasswordCheck {
        try checkRefusal()
        state.withLock { $0.verifications += 1 }
        let duration = verificationTime.withLock { $0 }
        if duration > .zero { try await Task.sleep(for: duration) }
        if hash == "fake-v2:" + password { return PasswordCheck(matches: true, needsRehash: false) }
        if hash == "fake-v1:" + password { return PasswordCheck(matches: true, needsRehash: true) }
        return PasswordCheck(matches: false, needsRehash: false)
    }

    public func verifyDummy(_ password: String) async throws {
        try checkRefusal()
        state.withLock { $0.dummies += 1 }
    }
}

/// Everything the identity use cases need, on memory adapters, a test clock and sequential ids, with the real
/// JWT service and token generator. Each test builds its own.
public struct IdentityFixture: Sendable {
    public let database: MemoryDatabase
    public let clock: TestClock
    public let ids = SequentialIDs()
    public let jobs = MemoryJobQueue()
    public let mailer = MemoryMailer()
    public let hasher = CountingPasswordHasher()
    public let dependencies: IdentityDependencies

    public static let jwtSecret = "test-secret-test-secret-test-secret-0123456789"

    public init(
        database: MemoryDatabase = MemoryDatabase(), clock: TestClock = TestClock(),
        settings: IdentitySettings = IdentitySettings(publicBaseURL: "https://app.example.com"),
        rateLimits: any RateLimitStore = RateLimitMemoryStore()
    ) async {
        self.database = database
        self.clock = clock
        let tokens = await JWTAccessTokenService(settings: AccessTokenSettings(secret: Self.jwtSecret))
        dependencies = IdentityDependencies(
            users: database.users, sessions: database.sessions, oneTimeTokens: database.oneTimeTokens, auditLog: database.auditLog,
            unitOfWork: database, hasher: hasher, accessTokens: tokens, secrets: SecureTokenGenerator(), jobs: jobs, clock: clock,
            ids: ids, rateLimits: rateLimits, settings: settings, outbox: database.outbox
        )
    }

    public var auth: AuthService { AuthService(dependencies) }
    public var users: UserService { UserService(dependencies) }

    /// Relays the outbox to the queue and runs every due email job, as the relay and the worker would.
    public func deliverEmails() async throws {
        while try await OutboxRelay(outbox: dependencies.outbox, queue: jobs, clock: clock).relayBatch() > 0 {}
        let runner = JobRunner(
            queue: jobs, handlers: [AccountEmailHandler(dependencies: dependencies, mailer: mailer)], retryPolicy: RetryPolicy(),
            clock: clock, jitter: { 0 }
        )
        while try await runner.runNext(from: AccountEmail.queue, lease: 60) != nil {}
    }

    /// Delivers pending email, then returns the token of the newest link to `address` with this path
    /// (`verify-email` or `reset-password`).
    public func token(sentTo address: String, path: String) async throws -> String? {
        try await deliverEmails()
        let messages = await mailer.sent.filter { $0.to == address }
        for message in messages.reversed() {
            guard let range = message.text.range(of: "/\(path)?token=") else { continue }
            return String(message.text[range.upperBound...].prefix { !$0.isWhitespace })
        }
        return nil
    }

    /// Registers a user (password `Passw0rd!`) and returns the result.
    @discardableResult
    public func register(_ name: String, email: String, password: String = "Passw0rd!") async throws -> Authentication {
        try await auth.register(
            AuthService.Registration(name: .value(name), email: .value(email), password: .value(password)), origin: RequestOrigin()
        )
    }

    /// Registers a user, follows their verification link, and returns their principal (role changed when asked).
    public func verifiedUser(_ name: String, email: String, role: Role = .user) async throws -> (Principal, Authentication) {
        let registered = try await register(name, email: email)
        if let token = try await token(sentTo: email, path: "verify-email") {
            _ = try await auth.verifyEmail(token: .value(token), origin: RequestOrigin())
        }
        if role != .user {
            try await database.transaction { repositories in
                guard var user = try await repositories.users.find(id: registered.user.id) else { return }
                user.role = role
                _ = try await repositories.users.update(user)
            }
        }
        let principal = try await auth.authenticate(accessToken: registered.tokens.accessToken)
        return (principal, registered)
    }
}
