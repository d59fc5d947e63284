import Foundation
import TestSupport
import Testing

/// Graceful shutdown: readiness turns 503, in-flight requests finish, new connections are refused, the database
/// closes last with every write in it.
@Suite struct ShutdownTests {
    @Test func aRequestInFlightFinishesAndItsWriteSurvives() async throws {
        let databasePath = temporaryDatabasePath()
        try await LiveServer.with(databasePath: databasePath) { server in
            let body = #"{"name":"in flight"}"#
            let bearer = try await server.bearer()
            let (response, refusedWhileInFlight) = try await RawConnection.with(port: server.port) { connection in
                try await connection.write(
                    "POST /api/v1/examples HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: \(bearer)\r\n"
                        + "Content-Length: \(body.utf8.count)\r\n\r\n" + body.prefix(8)
                )
                try await Task.sleep(for: .milliseconds(200))
                await server.group.triggerGracefulShutdown()
                // Wait until the server refuses new connections: shutdown has reached it while our request is
                // still half-sent.
                let refused = await Self.eventuallyRefused(port: server.port)
                try await connection.write(String(body.dropFirst(8)))
                return (try await connection.readResponse(), refused)
            }
            #expect(refusedWhileInFlight)
            #expect(response.status == 201)
        }
        // A new process on the same file sees the write: it was committed before the database closed.
        try await LiveServer.with(databasePath: databasePath) { server in
            let listed = try await RawConnection.request(port: server.port, "GET", "/api/v1/examples")
            #expect((listed.json["data"] as? [[String: Any]])?.first?["name"] as? String == "in flight")
        }
    }

    @Test func readinessTurns503WhileDrainingAndLivenessStaysUp() async throws {
        try await LiveServer.with(["SHUTDOWN_DRAIN_DELAY": "2s"]) { server in
            let before = try await RawConnection.request(port: server.port, "GET", "/api/v1/health/ready")
            await server.group.triggerGracefulShutdown()
            try await Task.sleep(for: .milliseconds(300))
            let during = try await RawConnection.request(port: server.port, "GET", "/api/v1/health/ready")
            let live = try await RawConnection.request(port: server.port, "GET", "/api/v1/health/live")

            #expect(before.status == 200)
            #expect(during.status == 503)
            #expect((during.json["data"] as? [String: Any])?["status"] as? String == "draining")
            #expect(live.status == 200)
        }
    }

    /// Whether a new connection to `port` is refused within 10 s.
    static func eventuallyRefused(port: Int) async -> Bool {
        for _ in 0..<100 {
            do {
                _ = try await RawConnection.request(port: port, "GET", "/api/v1/health/live")
                try? await Task.sleep(for: .milliseconds(100))
            } catch {
                return true
            }
        }
        return false
    }
}
