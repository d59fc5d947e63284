import App
import Foundation
import Logging
import ServiceLifecycle
import TestSupport

/// The real application (composition root, SQLite, HTTP server) on a free port, for tests on the wire.
struct LiveServer: Sendable {
    let port: Int
    let group: ServiceGroup
    let databasePath: String

    /// The environment every live test starts from: SQLite in a fresh file, an OS-chosen port, quiet logs.
    static func environment(databasePath: String, _ overrides: [String: String]) -> [String: String] {
        [
            "APP_ENV": "test",
            "PORT": "0",
            // Workers started side by side must not race for the default metrics port.
            "WORKER_METRICS_PORT": "0",
            "DATABASE_URL": "sqlite:\(databasePath)",
            "MIGRATIONS_DIR": packageRoot().appendingPathComponent("migrations").path,
            "LOG_LEVEL": "warning",
            "MAIL_URL": "memory:",
            // Live tests that write examples sign up and go; the identity journey verifies its address for real.
            "REQUIRE_EMAIL_VERIFICATION": "false",
        ].merging(overrides) { $1 }
    }

    /// Starts the server, runs `body`, then shuts it down gracefully (unless `body` already did) and waits for the
    /// whole service group to finish, whether `body` succeeded or threw.
    static func with(
        _ overrides: [String: String] = [:],
        databasePath: String = temporaryDatabasePath(),
        _ body: @Sendable (LiveServer) async throws -> Void
    ) async throws {
        let configuration = try Configuration.parse(environment(databasePath: databasePath, overrides))
        var logger = Logger(label: "portside-live-tests")
        logger.logLevel = configuration.logLevel
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let group = try await Portside.makeServer(configuration: configuration, logger: logger) { port in
            portContinuation.yield(port)
        }
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                // If the server fails to start, the wait for its port below must end too.
                defer { portContinuation.finish() }
                try await group.run()
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw TestFailure("server did not start") }
            do {
                try await body(LiveServer(port: port, group: group, databasePath: databasePath))
            } catch {
                // Shut down as on success and wait for it: leaving the task group early would cancel the server
                // halfway through its requests instead. The body's failure is the one reported.
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}

extension LiveServer {
    /// Registers a new user over the API and returns its `Authorization` header value.
    func bearer(email: String = "writer-\(UUID().uuidString.prefix(8))@example.com") async throws -> String {
        let body = #"{"name":"Writer","email":"\#(email)","password":"Passw0rd!"}"#
        let response = try await RawConnection.request(port: port, "POST", "/api/v1/auth/register", body: body)
        let data = response.json["data"] as? [String: Any]
        guard let token = (data?["tokens"] as? [String: Any])?["accessToken"] as? String else {
            throw TestFailure("register failed: \(response.status) \(response.body)")
        }
        return "Bearer \(token)"
    }
}
