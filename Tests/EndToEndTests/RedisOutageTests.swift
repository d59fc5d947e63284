import Foundation
import TestSupport
import Testing

/// The service on Redis, with Redis taken away behind a proxy and brought back: requests that do not need Redis keep
/// working, readiness says what is missing, and nothing that was committed meanwhile loses its email.
@Suite(.serialized) struct RedisOutageTests {
    @Test(arguments: TCPProxy.Outage.allCases)
    func aRegistrationWhileRedisIsDownSucceedsAndItsEmailIsSentOnceRedisIsBack(outage: TCPProxy.Outage) async throws {
        guard let redis = WorkerProcessTests.redisURL(), let components = URLComponents(string: redis), let host = components.host else {
            return
        }
        let proxy = try await TCPProxy.start(forwardingTo: host, port: components.port ?? 6379)
        defer { Task { await proxy.close() } }
        let mail = FileManager.default.temporaryDirectory.appendingPathComponent("portside-redis-outage-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: mail) }
        let environment = [
            "REDIS_URL": "redis://127.0.0.1:\(proxy.port)/0", "REDIS_KEY_PREFIX": RedisTestEnvironment.freshPrefix(), "REDIS_TIMEOUT": "500ms",
            "MAIL_URL": "file:\(mail.path)", "WORKER_MODE": "inline",
        ]

        try await LiveServer.with(environment) { server in
            #expect(try await RawConnection.request(port: server.port, "GET", "/api/v1/health/ready").status == 200)
            try await proxy.cut(outage)

            // Readiness reuses a probe for a second and a probe waits at most REDIS_TIMEOUT's 500 ms; the 30 s bound
            // is a hang guard, not a speed check.
            let started = ContinuousClock.now
            var ready = try await RawConnection.request(port: server.port, "GET", "/api/v1/health/ready")
            while ready.status == 200, ContinuousClock.now - started < .seconds(30) {
                try await Task.sleep(for: .milliseconds(100))
                ready = try await RawConnection.request(port: server.port, "GET", "/api/v1/health/ready")
            }
            let body = #"{"name":"Ada","email":"ada@example.com","password":"Passw0rd!"}"#
            let registered = try await RawConnection.request(port: server.port, "POST", "/api/v1/auth/register", body: body)
            try await Task.sleep(for: .seconds(2))
            let sentDuringOutage = Self.emails(in: mail)

            try await proxy.restore()
            let delivered = try await withTimeout(20) {
                while Self.emails(in: mail).isEmpty { try await Task.sleep(for: .milliseconds(100)) }
                return Self.emails(in: mail)
            }
            // The in-process worker sent it after the outage; readiness comes back too, with no restart.
            let readyAgain = try await withTimeout(10) {
                while try await RawConnection.request(port: server.port, "GET", "/api/v1/health/ready").status != 200 {
                    try await Task.sleep(for: .milliseconds(200))
                }
                return true
            }

            #expect(ready.status == 503)
            #expect(ready.body.contains("\"redis\""))
            #expect(registered.status == 201)
            #expect(sentDuringOutage.isEmpty)
            #expect(delivered.count == 1)
            #expect(readyAgain)
        }
    }

    private static func emails(in directory: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".eml") }
    }
}
