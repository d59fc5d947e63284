import Foundation
import TestSupport
import Testing

/// Malformed values of every header the server reads, and malformed requests, sent over raw sockets to the built
/// `portside serve`: each gets a 4xx error envelope carrying its request id, and the process stays up throughout.
/// (An empty `Content-Type` once killed the process with one unauthenticated request.)
@Suite(.serialized) struct HostileHeaderTests {
    /// A JSON body that no route accepts as it is, so a request that gets past its headers ends in a known 400.
    static let login = "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\n"

    static func post(_ head: String, _ header: String, body: String = "{}", contentType: String? = "application/json") -> String {
        let type = contentType.map { "Content-Type: \($0)\r\n" } ?? ""
        return head + type + header + "\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body
    }

    static func me(_ header: String) -> String {
        "GET /api/v1/users/me HTTP/1.1\r\nHost: x\r\n\(header)\r\n\r\n"
    }

    static let long = String(repeating: "a", count: 60_000)
    static let obsText = "\u{FF}\u{FE}\u{80}"

    /// Each case: what it is, the raw request, the status it must get.
    static let cases: [(String, String, Int)] = [
        ("empty Content-Type", post(login, "Content-Type:", contentType: nil), 415),
        ("Content-Type of a semicolon", post(login, "Content-Type: ;", contentType: nil), 415),
        ("Content-Type of separators", post(login, "Content-Type: ;;, ;", contentType: nil), 415),
        ("Content-Type with only parameters", post(login, "Content-Type: ;charset=utf-8", contentType: nil), 415),
        ("Content-Type of obs-text", post(login, "Content-Type: \(obsText)", contentType: nil), 415),
        ("two Content-Types", post(login, "Content-Type: text/plain", contentType: "application/json"), 415),
        ("Content-Length not a number", login + "Content-Type: application/json\r\nContent-Length: abc\r\n\r\n{}", 400),
        ("negative Content-Length", login + "Content-Type: application/json\r\nContent-Length: -1\r\n\r\n{}", 400),
        ("Content-Length past 64 bits", login + "Content-Type: application/json\r\nContent-Length: 99999999999999999999999\r\n\r\n{}", 400),
        ("two different Content-Lengths", login + "Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}", 400),
        ("empty Authorization", me("Authorization:"), 401),
        ("Bearer without a token", me("Authorization: Bearer"), 401),
        ("Bearer and blanks", me("Authorization: Bearer    \t "), 401),
        ("Bearer of dots", me("Authorization: Bearer ...."), 401),
        ("Bearer of obs-text", me("Authorization: Bearer \(obsText).\(obsText).\(obsText)"), 401),
        ("Bearer with a header that is not base64", me("Authorization: Bearer %%%.e30.x"), 401),
        ("Bearer of JSON that is not a JWT header", me("Authorization: Bearer W10.W10.x"), 401),
        ("huge Bearer", me("Authorization: Bearer \(long)"), 401),
        ("Basic credentials", me("Authorization: Basic Og=="), 401),
        ("two Authorizations", me("Authorization: Bearer a\r\nAuthorization: Bearer b"), 401),
        ("empty X-Request-Id", post(login, "X-Request-Id:"), 400),
        ("huge X-Request-Id", post(login, "X-Request-Id: \(long)"), 400),
        ("obs-text X-Request-Id", post(login, "X-Request-Id: \(obsText)"), 400),
        ("empty X-Forwarded-For", post(login, "X-Forwarded-For:"), 400),
        ("X-Forwarded-For of commas", post(login, "X-Forwarded-For: ,,, ,"), 400),
        ("X-Forwarded-For of broken addresses", post(login, "X-Forwarded-For: [, [::1, 1.2.3.4:99999, ::::::, 999.1.1.1, ]"), 400),
        ("X-Forwarded-For of obs-text", post(login, "X-Forwarded-For: \(obsText), 127.0.0.1"), 400),
        ("huge X-Forwarded-For", post(login, "X-Forwarded-For: " + String(repeating: "1.2.3.4, ", count: 5_000)), 400),
        ("empty traceparent", post(login, "traceparent:"), 400),
        ("truncated traceparent", post(login, "traceparent: 00-"), 400),
        ("traceparent of dashes", post(login, "traceparent: ----"), 400),
        ("traceparent of the wrong lengths", post(login, "traceparent: 00-abc-def-01"), 400),
        ("traceparent of version ff", post(login, "traceparent: ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), 400),
        ("traceparent of obs-text", post(login, "traceparent: 00-\(obsText)-\(obsText)-01"), 400),
        ("empty Origin", post(login, "Origin:"), 400),
        ("Origin null", post(login, "Origin: null"), 400),
        ("Origin of obs-text", post(login, "Origin: \(obsText)"), 400),
        ("preflight with empty values", "OPTIONS /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nOrigin:\r\nAccess-Control-Request-Method:\r\n\r\n", 403),
        ("empty Accept", post(login, "Accept:"), 400),
        ("Accept with a bad weight", post(login, "Accept: */*;q=abc, ;;"), 400),
        ("Accept of obs-text", post(login, "Accept: \(obsText)"), 400),
        ("empty User-Agent", post(login, "User-Agent:"), 400),
        ("huge User-Agent", post(login, "User-Agent: \(long)"), 400),
        ("a header line without a colon", "GET /api/v1/health/live HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n", 400),
        ("a header name with a space", "GET /api/v1/health/live HTTP/1.1\r\nHost: x\r\nBad Name: 1\r\n\r\n", 400),
        ("a control byte in the path", "GET /api/v1/\u{01} HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        ("an unknown HTTP version", "GET /api/v1/health/live HTTP/9.9\r\nHost: x\r\n\r\n", 400),
        ("a request line of garbage", "\u{FF}\u{FE} / \r\n\r\n", 400),
        ("a method no one knows", "BREW /api/v1/health/live HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        (
            "chunked and a length",
            login + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n2\r\n{}\r\n0\r\n\r\n", 400
        ),
        ("a bad percent escape in the query", "GET /api/v1/examples?search=%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        ("headers over the size limit", me("X-Padding: \(long)\(long)"), 431),
        ("a path of dots", "GET /api/v1/../../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n", 404),
    ]

    @Test func everyMalformedHeaderGetsAnEnvelopeAndTheProcessStaysUp() async throws {
        guard BinaryTests.requireBinary() else { return }
        let port = try freePort()
        let output = Pipe()
        let environment = LiveServer.environment(
            databasePath: temporaryDatabasePath(),
            ["PORT": "\(port)", "TRUSTED_PROXIES": "127.0.0.1", "AUTH_RATE_LIMIT_MAX": "100000", "RATE_LIMIT_MAX": "100000"])
        let process = try BinaryTests.launch(["serve"], environment: environment, output: output)
        defer { if process.isRunning { process.terminate() } }
        try await Self.waitUntilLive(port: port)

        for (name, request, expected) in Self.cases {
            let response = try await RawConnection.with(port: port) { connection in
                try await connection.write(request)
                return try await connection.readResponse()
            }
            #expect(response.status == expected, "\(name): \(response.status) \(response.body)")
            #expect(response.json["success"] as? Bool == false, "\(name): not an error envelope: \(response.body)")
            #expect(response.json["statusCode"] as? Int == response.status, "\(name)")
            let requestID = try #require(response.header("X-Request-Id"), "\(name): no request id")
            #expect(response.json["requestId"] as? String == requestID, "\(name)")
            #expect(response.header("X-Content-Type-Options") == "nosniff", "\(name): no security headers")
            #expect(process.isRunning, "\(name) stopped the process")
        }
        let live = try await RawConnection.request(port: port, "GET", "/api/v1/health/live")
        #expect(live.status == 200)
        #expect(process.isRunning)
    }

    @Test func aTracestateOfCombiningCharactersDoesNotStopATracingServer() async throws {
        guard BinaryTests.requireBinary() else { return }
        let port = try freePort()
        let output = Pipe()
        // Tracing on, with nobody at the collector's address: spans are made, their export just fails.
        let environment = LiveServer.environment(
            databasePath: temporaryDatabasePath(),
            ["PORT": "\(port)", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(try freePort())", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"])
        let process = try BinaryTests.launch(["serve"], environment: environment, output: output)
        defer { if process.isRunning { process.terminate() } }
        try await Self.waitUntilLive(port: port)

        let traceparent = "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\r\n"
        for state in [String(repeating: "a\u{338}", count: 100) + "=v", String(repeating: "a\u{338}", count: 90) + "@s=v"] {
            let response = try await RawConnection.with(port: port) { connection in
                try await connection.write("GET /api/v1/health/live HTTP/1.1\r\nHost: x\r\n\(traceparent)tracestate: \(state)\r\n\r\n")
                return try await connection.readResponse()
            }
            #expect(response.status == 200)
            #expect(process.isRunning)
        }
    }

    @Test func anHTTP10RequestWithoutKeepAliveIsAnsweredAndClosed() async throws {
        try await LiveServer.with(["REQUEST_TIMEOUT": "60s", "IDLE_TIMEOUT": "60s", "SHUTDOWN_TIMEOUT": "90s"]) { server in
            let (response, closed) = try await RawConnection.with(port: server.port) { connection in
                try await connection.write("GET /api/v1/health/live HTTP/1.0\r\n\r\n")
                let response = try await connection.readResponse()
                return (response, try await connection.waitForClose(timeout: 10))
            }
            #expect(response.status == 200)
            #expect(response.header("Connection")?.lowercased() == "close")
            #expect(closed, "the connection was held open after an HTTP/1.0 answer")
        }
    }

    @Test func anHTTP11RequestAskingToCloseIsClosedWhateverItsSpelling() async throws {
        try await LiveServer.with(["REQUEST_TIMEOUT": "60s", "IDLE_TIMEOUT": "60s", "SHUTDOWN_TIMEOUT": "90s"]) { server in
            let closed = try await RawConnection.with(port: server.port) { connection in
                try await connection.write("GET /api/v1/health/live HTTP/1.1\r\nHost: x\r\nConnection: Close\r\n\r\n")
                _ = try await connection.readResponse()
                return try await connection.waitForClose(timeout: 10)
            }
            #expect(closed)
        }
    }

    @Test func anHTTP10ClientThatAsksForKeepAliveKeepsItsConnection() async throws {
        try await LiveServer.with(["REQUEST_TIMEOUT": "60s", "IDLE_TIMEOUT": "60s", "SHUTDOWN_TIMEOUT": "90s"]) { server in
            let statuses = try await RawConnection.with(port: server.port) { connection in
                var statuses: [Int] = []
                for _ in 0..<2 {
                    try await connection.write("GET /api/v1/health/live HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                    statuses.append(try await connection.readResponse().status)
                }
                return statuses
            }
            #expect(statuses == [200, 200])
        }
        try await LiveServer.with(["REQUEST_TIMEOUT": "60s", "IDLE_TIMEOUT": "60s", "SHUTDOWN_TIMEOUT": "90s"]) { server in
            let response = try await RawConnection.with(port: server.port) { connection in
                try await connection.write("GET /api/v1/health/live HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                return try await connection.readResponse()
            }
            #expect(response.header("Connection")?.lowercased() == "keep-alive")
        }
    }

    @Test func aBodyThatBreaksAfterAnEarlyAnswerGetsNoSecondAnswer() async throws {
        try await LiveServer.with(["RATE_LIMIT_MAX": "1", "REQUEST_TIMEOUT": "60s", "IDLE_TIMEOUT": "60s", "SHUTDOWN_TIMEOUT": "90s"]) { server in
            _ = try await RawConnection.request(port: server.port, "GET", "/api/v1/examples")
            let (first, second, closed) = try await RawConnection.with(port: server.port) { connection in
                // Refused by the rate limit before its body is read; the chunked body is malformed.
                try await connection.write(
                    "POST /api/v1/examples HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
                let first = try await connection.readResponse()
                let second = try? await connection.readResponse(timeout: 3)
                return (first, second, try await connection.waitForClose(timeout: 10))
            }
            #expect(first.status == 429)
            #expect(second == nil, "a second answer: \(second.map { "\($0.status) \($0.body)" } ?? "")")
            #expect(closed)
        }
    }

    @Test func garbageAfterAValidRequestIsAnsweredAfterIt() async throws {
        try await LiveServer.with { server in
            let (first, second, closed) = try await RawConnection.with(port: server.port) { connection in
                try await connection.write("GET /api/v1/health/live HTTP/1.1\r\nHost: x\r\n\r\nNOT HTTP AT ALL\r\n\r\n")
                let first = try await connection.readResponse()
                let second = try await connection.readResponse()
                return (first, second, try await connection.waitForClose(timeout: 10))
            }
            #expect(first.status == 200)
            #expect(second.status == 400)
            #expect(second.json["message"] as? String == "Malformed HTTP request")
            #expect(second.header("Content-Security-Policy") != nil)
            #expect(closed)
        }
    }

    static func waitUntilLive(port: Int) async throws {
        for _ in 0..<150 {
            if (try? await RawConnection.request(port: port, "GET", "/api/v1/health/live"))?.status == 200 { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw TestFailure("portside serve did not start")
    }
}
