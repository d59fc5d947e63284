import Foundation
import TestSupport
import Testing

/// Behaviour that only shows on a real socket: chunked bodies, client addresses, idle connections.
@Suite struct WireTests {
    @Test func theExamplesJourneyWorksOverASocket() async throws {
        try await LiveServer.with { server in
            let auth = ["Authorization": try await server.bearer()]
            let created = try await RawConnection.request(port: server.port, "POST", "/api/v1/examples", headers: auth, body: #"{"name":"Quay"}"#)
            let id = try #require((created.json["data"] as? [String: Any])?["id"] as? String)
            let listed = try await RawConnection.request(port: server.port, "GET", "/api/v1/examples?search=qu")
            let deleted = try await RawConnection.request(port: server.port, "DELETE", "/api/v1/examples/\(id)", headers: auth)
            let gone = try await RawConnection.request(port: server.port, "GET", "/api/v1/examples/\(id)")

            #expect(created.status == 201)
            #expect(created.header("X-Request-Id") == created.json["requestId"] as? String)
            #expect((listed.json["meta"] as? [String: Any])?["total"] as? Int == 1)
            #expect(deleted.status == 200)
            #expect(gone.status == 404)
        }
    }

    @Test func aChunkedBodyOverTheLimitIs413WithoutAnyContentLength() async throws {
        try await LiveServer.with(["BODY_LIMIT": "1kb"]) { server in
            let response = try await RawConnection.with(port: server.port) { connection in
                try await connection.write(
                    "POST /api/v1/examples HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                )
                let chunk = String(repeating: "a", count: 512)
                for _ in 0..<4 { try await connection.write("200\r\n\(chunk)\r\n") }
                try await connection.write("0\r\n\r\n")
                return try await connection.readResponse()
            }
            #expect(response.status == 413)
            #expect(response.json["message"] as? String == "Request body is larger than the limit of 1024 bytes")
            #expect(response.json["requestId"] as? String == response.header("X-Request-Id"))
        }
    }

    @Test func aDeclaredOversizedBodyIsRefusedAndTheConnectionClosedWithoutReadingIt() async throws {
        try await LiveServer.with(["BODY_LIMIT": "1kb", "REQUEST_TIMEOUT": "60s", "IDLE_TIMEOUT": "60s", "SHUTDOWN_TIMEOUT": "90s"]) { server in
            let (status, closed) = try await RawConnection.with(port: server.port) { connection in
                try await connection.write(
                    "POST /api/v1/examples HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 60000000\r\n\r\n{"
                )
                let response = try await connection.readResponse()
                return (response.status, try await connection.waitForClose(timeout: 15))
            }
            #expect(status == 413)
            #expect(closed)
        }
    }

    @Test func aMalformedChunkedBodyIsA400NotA500() async throws {
        try await LiveServer.with { server in
            let response = try await RawConnection.with(port: server.port) { connection in
                try await connection.write(
                    "POST /api/v1/examples HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"
                )
                return try await connection.readResponse()
            }
            #expect(response.status == 400)
        }
    }

    @Test func theRequestTimeoutStillAppliesAfterAnEarlyAnswer() async throws {
        try await LiveServer.with(["IDLE_TIMEOUT": "60s", "REQUEST_TIMEOUT": "2s", "SHUTDOWN_TIMEOUT": "90s"]) { server in
            let (status, closed) = try await RawConnection.with(port: server.port) { connection in
                // Answered 400 before the body is read; the client then finishes the body promptly...
                try await connection.write("POST /api/v1/examples?a=1&a=2 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n")
                let response = try await connection.readResponse()
                try await connection.write("{}")
                // ...and trickles the next request's headers.
                try await connection.write("GET /api/v1/health/live HTTP/1.1\r\n")
                return (response.status, try await Self.trickleUntilClosed(connection))
            }
            #expect(status == 400)
            #expect(closed)
        }
    }

    @Test func aChunkedBodyWithinTheLimitIsServed() async throws {
        try await LiveServer.with { server in
            let bearer = try await server.bearer()
            let response = try await RawConnection.with(port: server.port) { connection in
                try await connection.write(
                    "POST /api/v1/examples HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: \(bearer)\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n"
                )
                try await connection.write("8\r\n{\"name\":\r\n")
                try await connection.write("7\r\n\"split\"\r\n1\r\n}\r\n0\r\n\r\n")
                return try await connection.readResponse()
            }
            #expect(response.status == 201)
        }
    }

    @Test func forwardedForIsBelievedOnlyFromATrustedProxy() async throws {
        try await LiveServer.with(["TRUSTED_PROXIES": "127.0.0.1", "RATE_LIMIT_MAX": "1"]) { server in
            let first = try await RawConnection.request(port: server.port, "GET", "/api/v1/examples", headers: ["X-Forwarded-For": "198.51.100.1"])
            let other = try await RawConnection.request(port: server.port, "GET", "/api/v1/examples", headers: ["X-Forwarded-For": "198.51.100.2"])
            let again = try await RawConnection.request(port: server.port, "GET", "/api/v1/examples", headers: ["X-Forwarded-For": "198.51.100.1"])
            #expect(first.status == 200)
            #expect(other.status == 200)
            #expect(again.status == 429)
            #expect(again.header("Retry-After") != nil)
        }
        try await LiveServer.with(["RATE_LIMIT_MAX": "1"]) { server in
            let first = try await RawConnection.request(port: server.port, "GET", "/api/v1/examples", headers: ["X-Forwarded-For": "198.51.100.1"])
            let forged = try await RawConnection.request(port: server.port, "GET", "/api/v1/examples", headers: ["X-Forwarded-For": "198.51.100.2"])
            #expect(first.status == 200)
            #expect(forged.status == 429)
        }
    }

    @Test func theAuthLimitCountsAnIPv6ClientByItsSlash64() async throws {
        try await LiveServer.with(["TRUSTED_PROXIES": "127.0.0.1", "AUTH_RATE_LIMIT_MAX": "2"]) { server in
            var statuses: [Int] = []
            // Three addresses of one /64, then one of another.
            for address in ["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::3", "2001:db8:1:3::1"] {
                let response = try await RawConnection.request(
                    port: server.port, "POST", "/api/v1/auth/forgot-password", headers: ["X-Forwarded-For": address],
                    body: #"{"email":"someone@example.com"}"#)
                statuses.append(response.status)
            }
            #expect(statuses == [200, 200, 429, 200])
        }
    }

    @Test func anIdleConnectionIsClosedByTheServer() async throws {
        try await LiveServer.with(["IDLE_TIMEOUT": "1s"]) { server in
            let closed = try await RawConnection.with(port: server.port) { connection in
                try await connection.waitForClose(timeout: 20)
            }
            #expect(closed)
        }
    }

    @Test func aClientThatStopsHalfwayThroughItsHeadersIsDisconnected() async throws {
        try await LiveServer.with(["IDLE_TIMEOUT": "1s"]) { server in
            let closed = try await RawConnection.with(port: server.port) { connection in
                try await connection.write("GET /api/v1/health/live HTTP/1.1\r\nHost: x\r\n")
                return try await connection.waitForClose(timeout: 20)
            }
            #expect(closed)
        }
    }

    @Test func aClientTricklingItsHeadersIsDisconnectedByTheRequestTimeout() async throws {
        try await LiveServer.with(["IDLE_TIMEOUT": "60s", "REQUEST_TIMEOUT": "1s"]) { server in
            let closed = try await RawConnection.with(port: server.port) { connection in
                try await connection.write("GET /api/v1/health/live HTTP/1.1\r\n")
                return try await Self.trickleUntilClosed(connection)
            }
            #expect(closed)
        }
    }

    @Test func aKeptAliveConnectionServesSeveralRequests() async throws {
        try await LiveServer.with(["REQUEST_TIMEOUT": "5s"]) { server in
            let statuses = try await RawConnection.with(port: server.port) { connection in
                var statuses: [Int] = []
                for _ in 0..<3 {
                    try await connection.write("GET /api/v1/health/live HTTP/1.1\r\nHost: x\r\n\r\n")
                    statuses.append(try await connection.readResponse().status)
                }
                return statuses
            }
            #expect(statuses == [200, 200, 200])
        }
    }

    /// Sends one header byte every 200 ms (never idle, never finished) and says whether the server closed the
    /// connection within 15 s.
    static func trickleUntilClosed(_ connection: RawConnection) async throws -> Bool {
        async let trickle: Void = {
            for _ in 0..<100 {
                guard (try? await connection.write("X")) != nil else { return }
                try? await Task.sleep(for: .milliseconds(200))
            }
        }()
        let closed = try await connection.waitForClose(timeout: 15)
        await trickle
        return closed
    }
}
