import Domain
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// The PostgreSQL database selected by `DATABASE_URL=postgres://...`: a pool of connections (PostgresNIO's
/// `PostgresClient`), the repositories on it, and transactions on one connection.
///
/// It is a service: `run()` runs the pool, and queries wait for it. Failures to reach the server (refused, closed or
/// timed-out connections, a pool that cannot connect, a statement over the query timeout, a server that stops
/// answering) are thrown as `DomainError.unavailable("database")`, which HTTP answers with 503; the log gets the detail.
@dynamicMemberLookup
public final class PostgresDatabase: Service, UnitOfWork, DependencyCheck {
    public let name = "database"
    let client: PostgresClient
    let logger: Logger
    /// How long a statement may wait for a free connection, and (enforced by the server) how long it may run.
    let queryTimeout: Duration
    /// Whether `run()` has started the pool: statements wait for it, so a caller that starts both at once (a
    /// one-off migration) does not lease from a pool that is not running yet.
    let running = StartSignal()
    /// Connections leased and statements waiting, for metrics.
    public let usage: PostgresPoolUsage

    /// - Parameters:
    ///   - schema: The schema to work in (`search_path`), for a database shared with other applications or tests.
    ///   - poolSize: The most connections this process opens.
    ///   - connectTimeout: How long opening one connection may take.
    ///   - queryTimeout: How long a statement may wait for a connection, and then how long it may run.
    public init(
        url: PostgresURL, schema: String? = nil, poolSize: Int = 10, connectTimeout: Duration = .seconds(5),
        queryTimeout: Duration = .seconds(10), logger: Logger
    ) {
        var configuration =
            if let socketPath = url.socketPath {
                PostgresClient.Configuration(unixSocketPath: socketPath, username: url.username, password: url.password, database: url.database)
            } else {
                PostgresClient.Configuration(
                    host: url.host, port: url.port, username: url.username, password: url.password, database: url.database,
                    tls: Self.tls(url.sslMode, rootCertificatePath: url.rootCertificatePath)
                )
            }
        configuration.options.maximumConnections = max(1, poolSize)
        configuration.options.connectTimeout = connectTimeout
        var parameters = [("statement_timeout", "\(max(1, queryTimeout.milliseconds))"), ("application_name", "portside")]
        if let schema { parameters.append(("search_path", Self.quotedIdentifier(schema))) }
        configuration.options.additionalStartupParameters = parameters
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
        self.queryTimeout = queryTimeout
        self.usage = PostgresPoolUsage(size: max(1, poolSize))
    }

    /// Runs the connection pool until graceful shutdown (or cancellation); then the pool closes its connections.
    public func run() async throws {
        logger.info("postgresql pool started")
        running.start()
        await client.run()
        logger.info("postgresql pool closed")
    }

    /// Every PostgreSQL repository over `executor`: this engine's one list of them, for single calls (the pool)
    /// and for transactions (one connection). A new module adds its repository here.
    static func repositories(on executor: PostgresExecutor) -> Repositories {
        Repositories(
            examples: ExamplePostgresRepository(executor: executor),
            users: UserPostgresRepository(executor: executor),
            sessions: SessionPostgresRepository(executor: executor),
            oneTimeTokens: OneTimeTokenPostgresRepository(executor: executor),
            auditLog: AuditEventPostgresLog(executor: executor),
            outbox: OutboxPostgresRepository(executor: executor),
            attachments: AttachmentPostgresRepository(executor: executor),
            avatars: AvatarPostgresRepository(executor: executor)
        )
    }

    /// Repositories that run each call on its own, on the pool.
    public var repositories: Repositories { Self.repositories(on: poolExecutor) }

    /// `database.users` and the like: one repository of `repositories`.
    public subscript<Repository>(dynamicMember keyPath: KeyPath<Repositories, Repository>) -> Repository {
        repositories[keyPath: keyPath]
    }

    private var poolExecutor: PostgresExecutor { PostgresExecutor(target: .pool(self), logger: logger) }

    public func ping() async throws {
        try await poolExecutor.read("SELECT 1")
    }

    /// Runs `work` in one transaction on one connection: BEGIN, the work, COMMIT; ROLLBACK when it throws. Statements
    /// through the store's own repositories from inside `work` would run beside the transaction, so writes are
    /// refused there (`ReentrantLockError`), as the other adapters refuse them. A statement that fails aborts the
    /// transaction in PostgreSQL, so `work` must not catch a database error and carry on.
    public func transaction<T: Sendable>(_ work: @Sendable (Repositories) async throws -> T) async throws -> T {
        try await refuseInsideTransaction()
        // Held by this task for the whole transaction: a write beside it asks for it again, and AsyncLock refuses that
        // with the domain's ReentrantLockError.
        let marker = AsyncLock()
        return try await PostgresFailure.translating(logger: logger) {
            try await withConnection { connection in
                let executor = PostgresExecutor(target: .transaction(connection, of: self), logger: logger)
                _ = try await answer("BEGIN", on: connection)
                do {
                    let result = try await marker.withLock {
                        try await Self.$openTransactions.withValue(Self.openTransactions.merging([ObjectIdentifier(self): marker]) { $1 }) {
                            try await work(Self.repositories(on: executor))
                        }
                    }
                    // COMMIT of a transaction that a failed statement aborted answers ROLLBACK, not an error.
                    let commit = try await answer("COMMIT", on: connection)
                    guard commit.metadata.command == "COMMIT" else { throw PostgresTransactionRolledBack() }
                    return result
                } catch {
                    _ = try? await answer("ROLLBACK", on: connection)
                    throw error
                }
            }
        }
    }

    /// The transactions (by database) that the current task is inside, each with the lock it holds.
    @TaskLocal static var openTransactions: [ObjectIdentifier: AsyncLock] = [:]

    /// Throws `ReentrantLockError` when the current task is inside a transaction of this database: a write beside it
    /// could wait for rows the transaction holds, forever.
    func refuseInsideTransaction() async throws {
        guard let marker = Self.openTransactions[ObjectIdentifier(self)] else { return }
        try await marker.withLock {}
    }

    /// `prefer` encrypts when the server offers TLS without checking its certificate, as libpq does: a connection
    /// that would fall back to plain text gains nothing from a check an attacker can avoid by refusing TLS. `require`
    /// verifies the certificate and the host name, against the system's roots or the authorities in `sslrootcert`.
    private static func tls(_ mode: PostgresURL.SSLMode, rootCertificatePath: String?) -> PostgresClient.Configuration.TLS {
        switch mode {
        case .disable:
            return .disable
        case .prefer:
            var opportunistic = TLSConfiguration.makeClientConfiguration()
            opportunistic.certificateVerification = .none
            return .prefer(opportunistic)
        case .require:
            var verified = TLSConfiguration.makeClientConfiguration()
            if let rootCertificatePath { verified.trustRoots = .file(rootCertificatePath) }
            return .require(verified)
        }
    }

    /// `name` as a quoted identifier, for the `search_path` start-up parameter.
    private static func quotedIdentifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// COMMIT found the transaction aborted by an earlier failed statement and rolled it back.
struct PostgresTransactionRolledBack: Error, CustomStringConvertible {
    var description: String { "the transaction was rolled back: a statement in it had failed" }
}

extension Duration {
    /// Whole milliseconds, rounded down.
    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
