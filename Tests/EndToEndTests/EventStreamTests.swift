import Foundation
import TestSupport
import Testing

/// Real-time events across instances: two `portside serve` processes share one database and one Redis; a change
/// made through one reaches an event stream held on the other, and a client that reconnects with `Last-Event-ID`
/// misses nothing. On SIGTERM, an open stream is closed and the process exits cleanly.
@Suite(.serialized) struct EventStreamTests {
    /// Opens `GET /api/v1/events` on `port` and keeps it open while `body` runs.
    static func stream<T: Sendable>(
        port: Int, token: String, lastEventID: String? = nil, _ body: @Sendable (RawConnection) async throws -> T
    ) async throws -> T {
        try await RawConnection.with(port: port) { connection in
            var request = "GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\nAccept: text/event-stream\r\n"
            if let lastEventID { request += "Last-Event-ID: \(lastEventID)\r\n" }
            try await connection.write(request + "\r\n")
            _ = try await connection.received(containing: "retry: ")
            return try await body(connection)
        }
    }

    /// The `id` of the first message of type `event` whose data contains `marker`, in a raw stream.
    static func id(of event: String, containing marker: String, in stream: String) -> String? {
        for block in stream.components(separatedBy: "\n\n") where block.contains("event: \(event)\n") && block.contains(marker) {
            let lines = block.split(whereSeparator: \.isNewline)
            if let line = lines.first(where: { $0.hasPrefix("id: ") }) { return String(line.dropFirst(4)) }
        }
        return nil
    }

    /// A stream id (`MILLISECONDS-SEQUENCE`) as numbers to compare.
    static func order(_ id: String) -> [UInt64] {
        id.split(separator: "-").map { UInt64($0) ?? 0 }
    }

    @Test func anEventCausedOnOneInstanceReachesAStreamOnAnotherAndAReconnectMissesNothing() async throws {
        guard BinaryTests.requireBinary(), let redis = WorkerProcessTests.redisURL() else { return }
        let portA = try freePort()
        let portB = try freePort()
        let database = temporaryDatabasePath()
        let shared = LiveServer.environment(
            databasePath: database,
            [
                "REDIS_URL": redis, "REDIS_KEY_PREFIX": RedisTestEnvironment.freshPrefix(),
                "JWT_SECRET": "events-test-secret-events-test-secret-0123456789", "SHUTDOWN_DRAIN_DELAY": "0s",
            ])
        let a = try BinaryTests.launch(["serve"], environment: shared.merging(["PORT": "\(portA)"]) { $1 }, output: Pipe())
        defer { if a.isRunning { a.terminate() } }
        try await WorkerProcessTests.waitUntilLive(port: portA)
        let b = try BinaryTests.launch(["serve"], environment: shared.merging(["PORT": "\(portB)"]) { $1 }, output: Pipe())
        defer { if b.isRunning { b.terminate() } }
        try await WorkerProcessTests.waitUntilLive(port: portB)

        let registered = try await RawConnection.request(
            port: portA, "POST", "/api/v1/auth/register", body: #"{"name":"Ada","email":"ada@example.com","password":"Passw0rd!"}"#)
        let token = try #require(((registered.json["data"] as? [String: Any])?["tokens"] as? [String: Any])?["accessToken"] as? String)
        let auth = ["Authorization": "Bearer \(token)"]

        // Held on B while A creates an example: the event crosses through the outbox, Redis and B's reader.
        let (exampleID, createdID) = try await Self.stream(port: portB, token: token) { connection in
            let created = try await RawConnection.request(port: portA, "POST", "/api/v1/examples", headers: auth, body: #"{"name":"Harbour"}"#)
            let exampleID = try #require((created.json["data"] as? [String: Any])?["id"] as? String)
            let received = try await connection.received(containing: exampleID, timeout: 20)
            return (exampleID, try #require(Self.id(of: "example.created", containing: exampleID, in: received)))
        }

        // Disconnected, the client misses two changes made on A; reconnecting to B with its last id, it gets both, in
        // order, and not the creation it had already received.
        for name in ["Quay", "Pier"] {
            let changed = try await RawConnection.request(
                port: portA, "PATCH", "/api/v1/examples/\(exampleID)", headers: auth, body: #"{"name":"\#(name)"}"#)
            #expect(changed.status == 200)
        }
        let resumed = try await Self.stream(port: portB, token: token, lastEventID: createdID) { connection in
            for _ in 0..<100 {
                let text = try await connection.received(containing: "retry: ")
                if text.components(separatedBy: "event: example.updated").count == 3 { return text }
                try await Task.sleep(for: .milliseconds(100))
            }
            return try await connection.received(containing: "retry: ")
        }
        #expect(resumed.components(separatedBy: "event: example.updated").count == 3)
        #expect(!resumed.contains("event: example.created"))
        let firstUpdate = try #require(Self.id(of: "example.updated", containing: exampleID, in: resumed))
        #expect(Self.order(firstUpdate).lexicographicallyPrecedes(Self.order(createdID)) == false)
        #expect(firstUpdate != createdID)

        // SIGTERM with a stream open: B closes it and exits cleanly, well within its shutdown timeout.
        let closed = try await Self.stream(port: portB, token: token) { connection in
            kill(b.processIdentifier, SIGTERM)
            return try await connection.waitForClose(timeout: 20)
        }
        let exited = try await withTimeout(30) {
            while b.isRunning { try await Task.sleep(for: .milliseconds(100)) }
            return true
        }
        #expect(closed)
        #expect(exited)
        #expect(b.terminationStatus == 0)
    }
}
