import HTTPTypes
import HummingbirdTesting
import Testing

@Suite struct CORSTests {
    let allowed = "https://app.example.com"

    @Test func anAllowedOriginIsEchoedWithCredentials() async throws {
        try await TestApp().test { client in
            let response = try await client.get("/api/v1/examples", headers: [.origin: allowed])
            #expect(response.headers[.accessControlAllowOrigin] == allowed)
            #expect(response.headers[.accessControlAllowCredentials] == "true")
            #expect(response.headers[.vary] == "Origin")
            #expect(response.headers[.accessControlExposeHeaders]?.contains("X-Request-Id") == true)
        }
    }

    @Test func anotherOriginGetsNoCORSHeaders() async throws {
        try await TestApp().test { client in
            let response = try await client.get("/api/v1/examples", headers: [.origin: "https://evil.example.net"])
            #expect(response.status == .ok)
            #expect(response.headers[.accessControlAllowOrigin] == nil)
            #expect(response.headers[.accessControlAllowCredentials] == nil)
        }
    }

    @Test func anOriginSentTwiceIsNeverEchoedEvenWhenAnyOriginIsAllowed() async throws {
        var app = TestApp()
        app.settings.corsOrigins = ["*"]
        try await app.test { client in
            var headers = HTTPFields()
            headers.append(HTTPField(name: .origin, value: "https://a.example.com"))
            headers.append(HTTPField(name: .origin, value: "https://b.example.com"))
            let twice = try await client.get("/api/v1/examples", headers: headers)
            let once = try await client.get("/api/v1/examples", headers: [.origin: "https://a.example.com"])
            #expect(twice.headers[.accessControlAllowOrigin] == nil)
            #expect(once.headers[.accessControlAllowOrigin] == "https://a.example.com")
        }
    }

    @Test func errorAnswersToAnAllowedOriginAreReadable() async throws {
        try await TestApp().test { client in
            let response = try await client.get("/api/v1/examples/missing", headers: [.origin: allowed])
            #expect(response.status == .notFound)
            #expect(response.headers[.accessControlAllowOrigin] == allowed)
        }
    }

    @Test func preflightFromAnAllowedOriginSucceeds() async throws {
        try await TestApp().test { client in
            let response = try await client.execute(
                uri: "/api/v1/examples",
                method: .options,
                headers: [.origin: allowed, .accessControlRequestMethod: "POST", .accessControlRequestHeaders: "content-type"]
            )
            #expect(response.status == .noContent)
            #expect(response.headers[.accessControlAllowOrigin] == allowed)
            #expect(response.headers[.accessControlAllowMethods]?.contains("POST") == true)
            #expect(response.headers[.accessControlAllowHeaders]?.contains("Content-Type") == true)
        }
    }

    @Test func preflightFromAnotherOriginIsRefused() async throws {
        try await TestApp().test { client in
            let response = try await client.execute(
                uri: "/api/v1/examples",
                method: .options,
                headers: [.origin: "https://evil.example.net", .accessControlRequestMethod: "DELETE"]
            )
            #expect(response.status == .forbidden)
            #expect(response.headers[.accessControlAllowOrigin] == nil)
            #expect(response.object["message"] as? String == "Origin not allowed")
        }
    }
}
