import Foundation
import TestSupport
import Testing

/// A live server on a fresh PostgreSQL database reached through a `TCPProxy`, so a test can take the database away
/// and bring it back while the process keeps running.
struct PostgresDrill: Sendable {
    /// Short, so that an outage shows within seconds: a statement waits at most this long for a connection.
    static let queryTimeout = Duration.seconds(2)
    /// How long a drill waits for something that should take at most a few seconds (recovery, first 503).
    static let patience = Duration.seconds(30)

    let server: LiveServer
    let proxy: TCPProxy

    /// Creates the database, starts the proxy and the server (which migrates through the proxy), runs `body`, and
    /// tears everything down. Without `PORTSIDE_TEST_POSTGRES_URL` it skips, loudly, except under `CI=true`.
    static func run(_ body: @Sendable (PostgresDrill) async throws -> Void) async throws {
        guard let url = try PostgresTestDatabase.create() else {
            if PostgresTestDatabase.isRequired {
                Issue.record("PORTSIDE_TEST_POSTGRES_URL is not set under CI")
            } else {
                print(PostgresTestDatabase.skipMessage)
            }
            return
        }
        defer { PostgresTestDatabase.drop(url) }
        guard var components = URLComponents(string: url), let host = components.host else { throw TestFailure("bad URL \(url)") }
        let proxy = try await TCPProxy.start(forwardingTo: host, port: components.port ?? 5432)
        components.host = "127.0.0.1"
        components.port = proxy.port
        let environment = [
            "DATABASE_URL": components.string ?? url,
            "DATABASE_QUERY_TIMEOUT": "\(queryTimeout.components.seconds)s",
            "DATABASE_CONNECT_TIMEOUT": "1s",
            // Drills sign up a few users from one address.
            "AUTH_RATE_LIMIT_MAX": "1000",
        ]
        do {
            try await LiveServer.with(environment) { server in try await body(PostgresDrill(server: server, proxy: proxy)) }
        } catch {
            await proxy.close()
            throw error
        }
        await proxy.close()
    }

    func call(_ method: String, _ path: String, _ body: String? = nil, authorization: String? = nil) async throws -> RawResponse {
        var headers: [String: String] = [:]
        if let authorization { headers["Authorization"] = authorization }
        return try await RawConnection.request(port: server.port, method, path, headers: headers, body: body)
    }

    /// Calls `path` and measures how long the answer took.
    func timedCall(_ method: String, _ path: String, _ body: String? = nil, authorization: String? = nil) async throws -> (RawResponse, Duration) {
        let clock = ContinuousClock()
        let start = clock.now
        let response = try await call(method, path, body, authorization: authorization)
        return (response, clock.now - start)
    }

    /// Calls `GET path` every 100 ms until it answers `status`; returns the answer and how long that took, or throws
    /// after `patience`.
    func poll(_ path: String, until status: Int, within patience: Duration = patience) async throws -> (RawResponse, Duration) {
        let clock = ContinuousClock()
        let start = clock.now
        while true {
            let response = try await call("GET", path)
            if response.status == status { return (response, clock.now - start) }
            guard clock.now - start < patience else { throw TestFailure("\(path) still answers \(response.status), not \(status)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}

extension RawResponse {
    /// The `data` object of the envelope.
    var data: [String: Any]? { json["data"] as? [String: Any] }

    /// The status of the database check in a health answer.
    var databaseCheck: String? { ((data?["checks"] as? [String: Any])?["database"] as? [String: Any])?["status"] as? String }

    /// Whether this is the error envelope for a 503 that tells the client when to come back.
    var isUnavailableEnvelope: Bool {
        status == 503 && json["success"] as? Bool == false && json["statusCode"] as? Int == 503 && header("Retry-After") != nil
    }
}
