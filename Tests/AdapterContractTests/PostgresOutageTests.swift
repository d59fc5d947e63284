import Domain
import Foundation
import Logging
import TestSupport
import Testing

@testable import PostgresAdapter

/// The PostgreSQL adapter when the server goes away under an open pool: every wait ends within the query timeout and a
/// margin, however the server goes, and the pool reconnects when it comes back.
@Suite(.timeLimit(.minutes(1))) struct PostgresOutageTests {
    @Test(arguments: TCPProxy.Outage.allCases)
    func statementsFailAsUnavailableWithinTheQueryTimeoutAndWorkAgainAfterwards(outage: TCPProxy.Outage) async throws {
        try await withProxiedPostgres { database, proxy in
            // Open connections in the pool, idle, for the outage to catch. Each opening may miss the one-second lease
            // timeout on a loaded machine, so each ping is retried: the outage, not the warm-up, is under test.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 1...3 { group.addTask { try await eventually { try await database.ping() } } }
                try await group.waitForAll()
            }
            try await proxy.cut(outage)

            // Without the lease deadline and the answer watchdog these would wait as long as TCP keeps the connection:
            // the suite's time limit, not a speed check, catches that.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 1...3 {
                    group.addTask { await #expect(throws: DomainError.unavailable("database")) { try await database.ping() } }
                    group.addTask {
                        await #expect(throws: DomainError.unavailable("database")) {
                            try await database.transaction { repositories in try await repositories.examples.insert(example(1)) }
                        }
                    }
                }
                try await group.waitForAll()
            }

            try await proxy.restore()
            try await eventually { try await database.ping() }
        }
    }

    @Test func aStatementOnAConnectionThatHasClosedFailsAtOnce() async throws {
        let capture = LogCapture()
        try await withProxiedPostgres(logger: capture.logger()) { database, _ in
            try await database.withConnection { connection in
                try await connection.close()

                // PostgresNIO drops a statement written to a closed connection without failing it: without a check of
                // its own, this would wait for the answer watchdog, which logs that the database did not answer.
                await #expect(throws: PostgresNoAnswer.self) { _ = try await database.answer("SELECT 1", on: connection) }
            }
        }
        #expect(!capture.all.contains { $0.contains("did not answer") }, "\(capture.all)")
    }
}

/// Runs `body` with a database (query timeout 1 s, connect timeout 1 s) whose every connection goes through a proxy
/// to the test server. Returns without running `body` when there is no server.
private func withProxiedPostgres(
    logger: Logger = postgresLogger, _ body: @Sendable (PostgresAdapter.PostgresDatabase, TCPProxy) async throws -> Void
) async throws {
    guard let server = try PostgresTestServer.url() else { return }
    let proxy = try await TCPProxy.start(forwardingTo: server.host, port: server.port)
    let url = PostgresURL(
        host: "127.0.0.1", port: proxy.port, username: server.username, password: server.password, database: server.database, sslMode: server.sslMode
    )
    let database = PostgresAdapter.PostgresDatabase(
        url: url, poolSize: 4, connectTimeout: .seconds(1), queryTimeout: .seconds(1), logger: logger
    )
    do {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await database.run() }
            defer { group.cancelAll() }
            // A connection opened first, so no case races its one-second timeouts against connecting on a loaded machine.
            try await eventually { try await database.ping() }
            try await body(database, proxy)
        }
    } catch {
        await proxy.close()
        throw error
    }
    await proxy.close()
}

/// Retries `attempt` every 100 ms until it succeeds, for at most 15 s.
private func eventually(_ attempt: () async throws -> Void) async throws {
    let deadline = ContinuousClock.now + .seconds(15)
    while true {
        do {
            return try await attempt()
        } catch  where ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
