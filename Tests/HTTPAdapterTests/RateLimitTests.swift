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

    @Test func healthProbesAreNeverLimited() async throws {
        var app = TestApp()
        app.settings.rateLimitMax = 1
        try await app.test { client in
            var statuses: [Int] = []
            for _ in 0..<5 { statuses.append(try await client.get("/api/v1/health/live").status.code) }
            #expect(statuses == [200, 200, 200, 200, 200])
        }
    }
}
