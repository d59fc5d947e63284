import Foundation
import Logging
import PostgresNIO
import Synchronization
import TestSupport
import Testing

@testable import PostgresAdapter

/// The URL in `variable`, or nil. Without one, the current case is skipped (cancelled) locally, with `missing`
/// printed once per variable, and fails under CI, where a suite that silently ran nothing would hide a broken set-up.
func requiredServerURL(_ variable: String, missing: String) throws -> String? {
    if let text = ProcessInfo.processInfo.environment[variable], !text.isEmpty { return text }
    if ProcessInfo.processInfo.environment["CI"] == "true" {
        Issue.record("\(missing); CI must run them")
        return nil
    }
    if announcedMissing.withLock({ $0.insert(variable).inserted }) { print("⚠️ SKIPPED: \(missing)") }
    try Test.cancel(Comment(rawValue: missing))
}

private let announcedMissing = Mutex<Set<String>>([])

/// The PostgreSQL server the suites run on: `PORTSIDE_TEST_POSTGRES_URL` (scripts/test.sh starts a throwaway one).
enum PostgresTestServer {
    static func url() throws -> PostgresURL? {
        try requiredServerURL("PORTSIDE_TEST_POSTGRES_URL", missing: "PostgreSQL suites need PORTSIDE_TEST_POSTGRES_URL (scripts/test.sh starts one)")
            .map { try PostgresURL($0) }
    }
}

/// Runs `body` with a database confined to a new, empty schema of the test server (few connections: the cases run
/// in parallel), then drops the schema and closes the pool. Returns without running `body` when there is no server.
func withPostgresSchema(poolSize: Int = 3, _ body: (PostgresAdapter.PostgresDatabase) async throws -> Void) async throws {
    guard let url = try PostgresTestServer.url() else { return }
    let schema = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    let database = PostgresAdapter.PostgresDatabase(url: url, schema: schema, poolSize: poolSize, queryTimeout: .seconds(30), logger: postgresLogger)
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await database.run() }
        defer { group.cancelAll() }
        // The name is ours (hex digits), so it can be spelled into the statement.
        try await database.withConnection { _ = try await $0.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA \(schema)"), logger: testLogger) }
        do {
            try await body(database)
        } catch {
            try? await dropSchema(schema, of: database)
            throw error
        }
        try await dropSchema(schema, of: database)
    }
}

private func dropSchema(_ schema: String, of database: PostgresAdapter.PostgresDatabase) async throws {
    try await database.withConnection { _ = try await $0.query(PostgresQuery(unsafeSQL: "DROP SCHEMA \(schema) CASCADE"), logger: testLogger) }
}

/// `withPostgresSchema` with the shipped migrations applied.
func withMigratedPostgres(_ body: (PostgresAdapter.PostgresDatabase) async throws -> Void) async throws {
    try await withPostgresSchema { database in
        try await PostgresMigrator(database: database, directory: postgresMigrations, logger: testLogger).migrate()
        try await body(database)
    }
}

/// Warnings and errors only: a pool whose `run()` has not quite started when the first query comes says so.
let postgresLogger: Logger = {
    var logger = Logger(label: "portside-tests-postgres")
    logger.logLevel = .error
    return logger
}()

let postgresMigrations = packageRoot().appendingPathComponent("migrations/postgres").path
