import Foundation
import HTTPAdapter
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite struct RateLimitTests {
    @Test func theRequestAfterTheLimitIs429WithRetryAfter() async throws {
        var app = TestApp()
        app.settings.rateLimitMax = 2
        app.settings.rateLimitWindow = 60
        try await app.test { client in
            let first = try await client.get("/api/v1/examples")
            let second = try await client.get("/api/v1/examples")
            let third = try await client.get("/api/v1/examples")

            #expect(first.status == .ok)
            #expect(first.headers[HTTPField.Name("RateLimit-Limit")!] == "2")
            #expect(first.headers[HTTPField.Name("RateLimit-Remaining")!] == "1")
            #expect(second.headers[HTTPField.Name("RateLimit-Remaining")!] == "0")
            #expect(third.status == .tooManyRequests)
            #expect(third.object["message"] as? String == "Too many requests, please try again later")
            let retryAfter = try #require(third.headers[.retryAfter].flatMap(Int.init))
            #expect((1...60).contains(retryAfter))
            #expect(third.headers[HTTPField.Name("RateLimit-Reset")!].flatMap(Int.init) == retryAfter)
        }
    }

    @Test func theCountStartsAfreshInTheNextWindow() async throws {
        var app = TestApp()
        app.settings.rateLimitMax = 1
        app.settings.rateLimitWindow = 60
        let clock = app.clock
        try await app.test { client in
            _ = try await client.get("/api/v1/examples")
            #expect(try await client.get("/api/v1/examples").status == .tooManyRequests)
            clock.advance(by: 60)
            #expect(try await client.get("/api/v1/examples").status == .ok)
        }
    }

    @Test(arguments: ["/api/v1/health", "/api/v1/health/live", "/api/v1/health/ready"])
    func healthProbesAreNeverLimited(path: String) async throws {
        var app = TestApp()
        app.settings.rateLimitMax = 1
        try await app.test { client in
            var statuses: [Int] = []
            for _ in 0..<5 { statuses.append(try await client.get(path).status.code) }
            #expect(statuses == [200, 200, 200, 200, 200])
        }
    }

    @Test func preflightsCountAgainstTheLimit() async throws {
        var app = TestApp()
        app.settings.rateLimitMax = 1
        try await app.test { client in
            let headers: HTTPFields = [.origin: "https://app.example.com", .accessControlRequestMethod: "POST"]
            let first = try await client.execute(uri: "/api/v1/examples", method: .options, headers: headers)
            let second = try await client.execute(uri: "/api/v1/examples", method: .options, headers: headers)
            #expect(first.status == .noContent)
            #expect(second.status == .tooManyRequests)
            #expect(second.headers[.accessControlAllowOrigin] == "https://app.example.com")
        }
    }
}
