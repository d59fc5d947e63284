import HTTPAdapter
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite struct SecurityHeadersTests {
    static let expected: [(String, String)] = [
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Cross-Origin-Resource-Policy", "same-origin"),
    ]

    @Test(arguments: ["/api/v1/health/live", "/api/v1/examples", "/does-not-exist"])
    func everyResponseCarriesTheSecurityHeaders(path: String) async throws {
        try await TestApp().test { client in
            let response = try await client.get(path)
            for (name, value) in Self.expected {
                #expect(response.headers[HTTPField.Name(name)!] == value, "\(name) on \(path)")
            }
            let policy = try #require(response.headers[.contentSecurityPolicy])
            #expect(policy.contains("default-src 'none'"))
            #expect(policy.contains("frame-ancestors 'none'"))
            #expect(response.headers[HTTPField.Name("Strict-Transport-Security")!] == nil)
        }
    }

    @Test func errorResponsesCarryThemToo() async throws {
        try await TestApp().test { client, identity in
            let auth = try await identity.bearer()
            let response = try await client.send(.post, "/api/v1/examples", json: "{", headers: auth)
            #expect(response.status == .badRequest)
            #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
        }
    }

    /// The bundled Swagger UI files keep nosniff (a script must be served as one) and their own long cache lifetime.
    @Test func theDocsAssetsCarryThemWithTheirOwnCacheLifetime() async throws {
        let assets = try #require(SwaggerUIAssets.bundled)
        try await TestApp().test { client in
            for path in [assets.script.path, assets.stylesheet.path] {
                let response = try await client.get(path)
                for (name, value) in Self.expected {
                    #expect(response.headers[HTTPField.Name(name)!] == value, "\(name) on \(path)")
                }
                #expect(response.headers[values: .cacheControl] == ["public, max-age=31536000, immutable"])
            }
        }
    }

    @Test func theDocsPagePolicyNamesNoThirdPartyOrigin() async throws {
        try await TestApp().test { client in
            let response = try await client.get("/api/v1/docs")
            let policy = try #require(response.headers[.contentSecurityPolicy])
            #expect(response.headers[values: .contentSecurityPolicy].count == 1)
            #expect(!policy.contains("http:") && !policy.contains("https:") && !policy.contains("*"))
            #expect(policy.contains("frame-ancestors 'none'"))
        }
    }

    @Test func productionAddsStrictTransportSecurity() async throws {
        var app = TestApp()
        app.settings.production = true
        try await app.test { client in
            let response = try await client.get("/api/v1/health/live")
            #expect(response.headers[HTTPField.Name("Strict-Transport-Security")!] == "max-age=31536000; includeSubDomains")
        }
    }
}
