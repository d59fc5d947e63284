import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite struct DocsTests {
    @Test(arguments: ["/openapi.json", "/api/v1/openapi.json"])
    func theDocumentIsServedAsOpenAPI31(path: String) async throws {
        try await TestApp().test { client in
            let response = try await client.get(path)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            #expect(response.object["openapi"] as? String == "3.1.0")
            #expect((response.object["paths"] as? [String: Any])?["/api/v1/examples"] != nil)
        }
    }

    @Test func theDocsPageLoadsSwaggerUIFromTheConfiguredAssets() async throws {
        var app = TestApp()
        app.settings.docsAssetsURL = "https://assets.example.org/swagger/"
        try await app.test { client in
            let response = try await client.get("/docs")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            #expect(response.text.contains("https://assets.example.org/swagger/swagger-ui-bundle.js"))
            #expect(response.text.contains("https://assets.example.org/swagger/swagger-ui.css"))
            let policy = try #require(response.headers[.contentSecurityPolicy])
            #expect(policy.contains("script-src 'self' https://assets.example.org"))
            #expect(!policy.contains("script-src 'self' https://assets.example.org 'unsafe-inline'"))

            let initializer = try await client.get("/api/v1/docs/swagger-initializer.js")
            #expect(initializer.text.contains("/api/v1/openapi.json"))
        }
    }

    @Test func theRootRedirectsToTheDocsOutsideProduction() async throws {
        try await TestApp().test { client in
            let response = try await client.get("/")
            #expect(response.status == .found)
            #expect(response.headers[.location] == "/api/v1/docs")
        }
    }

    @Test func theRootIsNotFoundInProduction() async throws {
        var app = TestApp()
        app.settings.production = true
        try await app.test { client in
            let response = try await client.get("/")
            #expect(response.status == .notFound)
        }
    }
}
