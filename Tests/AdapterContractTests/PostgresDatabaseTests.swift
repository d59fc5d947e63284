import Domain
import Foundation
import TestSupport
import Testing

@testable import PostgresAdapter

/// What the PostgreSQL adapter adds to the contracts: URLs, an unreachable server, text PostgreSQL cannot hold as it
/// is, and transactions that a failed statement aborted.
@Suite(.timeLimit(.minutes(2))) struct PostgresDatabaseTests {
    @Test func urlsAreTakenApartWithCredentialsDecoded() throws {
        let url = try PostgresURL("postgresql://app%40prod:p%40ss%2Fw%3Ard@db.internal:6432/portside?sslmode=require")

        #expect(
            url == PostgresURL(host: "db.internal", port: 6432, username: "app@prod", password: "p@ss/w:rd", database: "portside", sslMode: .require))
        #expect(url.description == "postgres://app@prod:***@db.internal:6432/portside?sslmode=require")
        #expect(try PostgresURL("postgres://me@localhost/db") == PostgresURL(host: "localhost", username: "me", password: nil, database: "db"))
    }

    @Test func libpqsVerifyFullIsRequireAndAPrivateAuthorityCanBeNamed() throws {
        let url = try PostgresURL("postgres://me@db.internal/app?sslmode=verify-full&sslrootcert=/etc/portside/db-ca.pem")

        #expect(url.sslMode == .require)
        #expect(url.rootCertificatePath == "/etc/portside/db-ca.pem")
        #expect(url.description == "postgres://me@db.internal:5432/app?sslmode=require&sslrootcert=/etc/portside/db-ca.pem")
    }

    @Test func aUnixSocketIsNamedByItsDirectoryAsWithLibpq() throws {
        let url = try PostgresURL("postgres://app:p%40ss@/portside?host=/var/run/postgresql")

        #expect(url.socketDirectory == "/var/run/postgresql")
        #expect(url.socketPath == "/var/run/postgresql/.s.PGSQL.5432")
        #expect(url.sslMode == .disable)
        #expect(url.password == "p@ss")
        #expect(url.description == "postgres://app:***@:5432/portside?host=/var/run/postgresql&sslmode=disable")
        #expect(try PostgresURL("postgres://app@:6432/portside?host=/tmp/").socketPath == "/tmp/.s.PGSQL.6432")
        #expect(try PostgresURL("postgres://app@/portside?host=/tmp&sslmode=prefer").sslMode == .disable)
    }

    /// The whole adapter over the test server's Unix socket, when the test URL says where its directory is.
    @Test func statementsRunOverTheUnixSocket() async throws {
        guard let tcp = try PostgresTestServer.url(),
            let directory = try requiredServerURL(
                "PORTSIDE_TEST_POSTGRES_SOCKET_DIR", missing: "the Unix socket test needs PORTSIDE_TEST_POSTGRES_SOCKET_DIR (scripts/test.sh sets it)"
            )
        else { return }
        let url = PostgresURL(
            host: "", port: tcp.port, username: tcp.username, password: tcp.password, database: tcp.database, sslMode: .disable,
            socketDirectory: directory)
        let database = PostgresAdapter.PostgresDatabase(url: url, poolSize: 1, logger: postgresLogger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await database.run() }
            defer { group.cancelAll() }
            try await database.ping()
            let rows = try await database.withConnection { connection in
                try await database.answer("SELECT inet_server_addr() IS NULL AS local", on: connection)
            }
            // inet_server_addr() is NULL only for a connection over a Unix socket.
            #expect(try rows.first?.decode(Bool.self) == true)
        }
    }

    @Test(arguments: [
        "mysql://user:hunter2@host/db", "postgres://user:hunter2@/db", "postgres://user:hunter2@host/db?host=/tmp",
        "postgres://user:hunter2@/db?host=relative/dir", "postgres://user:hunter2@/db?host=/tmp&sslmode=require",
        "postgres://user:hunter2@/db?host=/tmp&host=/var", "postgres://user:hunter2@/db?host=", "postgres://:hunter2@host/db",
        "postgres://user:hunter2@host",
        "postgres://user:hunter2@host/db/extra", "postgres://user:hunter2@host/db?sslmode=verify-ca", "postgres://user:hunter2@host/db?x=1",
        "postgres://user:hunter2@host/db?sslmode=prefer&sslrootcert=ca.pem", "postgres://user:hunter2@host/db?sslmode=require&sslrootcert=",
        "postgres://user:hunter2@host:70000/db", "not a url hunter2",
    ])
    func badURLsAreRefusedWithoutShowingThePassword(text: String) {
        #expect {
            _ = try PostgresURL(text)
        } throws: { error in
            "\(error)".hasPrefix("the PostgreSQL URL") && !"\(error)".contains("hunter2")
        }
    }

    @Test func anUnreachableServerIsUnavailableWithinTheQueryTimeout() async throws {
        let url = PostgresURL(host: "127.0.0.1", port: try freePort(), username: "nobody", password: "secret", database: "none", sslMode: .disable)
        let capture = LogCapture()
        let database = PostgresDatabase(url: url, poolSize: 1, connectTimeout: .seconds(1), queryTimeout: .seconds(1), logger: capture.logger())

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await database.run() }
            defer { group.cancelAll() }
            await #expect(throws: DomainError.unavailable("database")) { try await database.ping() }
            await #expect(throws: DomainError.unavailable("database")) {
                try await database.unitOfWork.transaction { repositories in try await repositories.examples.insert(example(1)) }
            }
        }

        // Both ended by Portside's own lease deadline, not by the pool, which would go on trying to connect for a minute.
        let causes = capture.all.filter { $0.contains("database unavailable") }
        #expect(causes.count == 2, "\(causes)")
        #expect(causes.allSatisfy { $0.contains("no database connection became available within the query timeout") }, "\(causes)")
    }

    @Test func aStatementSentBeforeThePoolRunsWaitsForItInsteadOfLeasingEarly() async throws {
        guard let url = try PostgresTestServer.url() else { return }
        let capture = LogCapture()
        let database = PostgresAdapter.PostgresDatabase(url: url, poolSize: 1, queryTimeout: .seconds(5), logger: capture.logger())

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await database.ping() }
            try await Task.sleep(for: .milliseconds(200))
            group.addTask { try await database.run() }
            try await group.next()
            group.cancelAll()
        }

        #expect(!capture.all.contains { $0.contains("hasn't been called yet") })
    }

    @Test func aPoolThatNeverRunsIsUnavailableWithinTheQueryTimeout() async throws {
        guard let url = try PostgresTestServer.url() else { return }
        let database = PostgresAdapter.PostgresDatabase(url: url, poolSize: 1, queryTimeout: .seconds(1), logger: postgresLogger)

        // A pool that never runs never hands out a connection: only the lease deadline can end this wait.
        await #expect(throws: DomainError.unavailable("database")) { try await database.ping() }
    }

    @Test(arguments: ["", "plain", "nul\u{0}inside", "\u{0}", "\u{FFFF}", "\u{FFFF}0", "\u{0}\u{FFFF}\u{0}0", "é\u{FFFF}\u{FFFF}x"])
    func storedTextRoundTripsEveryString(text: String) {
        #expect(StoredText.decode(StoredText.encode(text)) == text)
        #expect(!StoredText.encode(text).unicodeScalars.contains("\u{0}"))
    }

    @Test func textPostgreSQLCannotHoldAsItIsComesBackAndIsFound() async throws {
        try await withMigratedPostgres { database in
            let odd = example(1, name: "a\u{0}b \u{FFFF} 100%", description: "\u{0}", at: 1)
            try await database.examples.insert(odd)
            try await database.examples.insert(example(2, name: "a0b", at: 2))

            #expect(try await database.examples.find(id: odd.id) == odd)
            #expect(try await database.examples.list(search: "\u{FFFF} 1", page: PageRequest(page: 1, limit: 10)).items == [odd])
            #expect(try await database.examples.list(search: "a\u{0}B", page: PageRequest(page: 1, limit: 10)).items == [odd])
        }
    }

    @Test func aTransactionWhoseStatementFailedIsRolledBackEvenIfTheWorkCarriesOn() async throws {
        try await withMigratedPostgres { database in
            try await database.users.insert(user(1, email: "taken@example.com"))

            await #expect(throws: PostgresTransactionRolledBack.self) {
                try await database.unitOfWork.transaction { repositories in
                    try await repositories.examples.insert(example(1))
                    try? await repositories.users.insert(user(2, email: "taken@example.com"))
                }
            }
            #expect(try await database.examples.find(id: example(1).id) == nil)
        }
    }

    @Test func aPageBeyondTheEndStillCarriesTheTotal() async throws {
        try await withMigratedPostgres { database in
            for number in 1...3 { try await database.auditLog.record(auditEvent(number, at: Int64(number))) }
            try await database.users.insert(user(1))

            let events = try await database.auditLog.list(filter: AuditFilter(), page: PageRequest(page: 9, limit: 10))
            let users = try await database.users.list(search: nil, role: nil, page: PageRequest(page: 9, limit: 10))

            #expect(events.items.isEmpty)
            #expect(events.total == 3)
            #expect(users.items.isEmpty)
            #expect(users.total == 1)
        }
    }
}

extension PostgresAdapter.PostgresDatabase {
    fileprivate var unitOfWork: any UnitOfWork { self }
}
