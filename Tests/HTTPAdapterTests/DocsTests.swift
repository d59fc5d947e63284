import Domain
import Foundation
import HTTPAdapter
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

    /// Found by fuzzing: the document said any 8 characters would do, the server asked for more.
    @Test func theServedDocumentStatesTheConfiguredPasswordPolicy() async throws {
        var app = TestApp()
        app.settings.passwordPolicy = PasswordPolicy(length: 12...128, requiresUppercase: false, requiresLowercase: true, requiresDigit: true)
        try await app.test { client in
            let document = try await client.get("/openapi.json").object
            let schemas = (document["components"] as? [String: Any])?["schemas"] as? [String: Any]
            let password = try #require(schemas?["NewPassword"] as? [String: Any])
            #expect(password["minLength"] as? Int == 12)
            #expect(password["maxLength"] as? Int == 128)
            #expect(password["pattern"] as? String == "^(?=[\\s\\S]*[a-z])(?=[\\s\\S]*[0-9])")
            #expect((password["description"] as? String)?.contains("a digit (0-9)") == true)
        }
        try await TestApp().test { client in
            let document = try await client.get("/openapi.json").object
            let schemas = (document["components"] as? [String: Any])?["schemas"] as? [String: Any]
            let password = try #require(schemas?["NewPassword"] as? [String: Any])
            #expect(password["minLength"] as? Int == 8)
            #expect(password["pattern"] as? String == "^(?=[\\s\\S]*[A-Z])(?=[\\s\\S]*[a-z])(?=[\\s\\S]*[0-9])")
        }
    }

    @Test func anOperatorsAssetsHostReplacesTheBundledFilesAndIsAllowedByThePolicy() async throws {
        var app = TestApp()
        app.settings.docsAssetsURL = "https://assets.example.org/swagger/"
        try await app.test { client in
            let response = try await client.get("/docs")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            #expect(response.text.contains("<script src=\"https://assets.example.org/swagger/swagger-ui-bundle.js\"></script>"))
            #expect(response.text.contains("<link rel=\"stylesheet\" href=\"https://assets.example.org/swagger/swagger-ui.css\">"))
            #expect(!response.text.contains("/api/v1/docs/assets/"))
            let policy = try #require(response.headers[.contentSecurityPolicy])
            #expect(policy.contains("script-src 'self' https://assets.example.org;"))

            let initializer = try await client.get("/api/v1/docs/swagger-initializer.js")
            #expect(initializer.text.contains("/api/v1/openapi.json"))
        }
    }

    @Test func withTheDocsOffThePageItsAssetsAndTheRedirectAreNotFoundButTheDocumentIsServed() async throws {
        let assets = try #require(SwaggerUIAssets.bundled)
        var app = TestApp()
        app.settings.docsEnabled = false
        try await app.test { client in
            for path in ["/", "/docs", "/api/v1/docs", "/api/v1/docs/swagger-initializer.js", assets.script.path, assets.stylesheet.path] {
                let response = try await client.get(path)
                #expect(response.status == .notFound, "\(path)")
                #expect(response.object["success"] as? Bool == false, "\(path)")
            }
            #expect(try await client.get("/api/v1/openapi.json").status == .ok)
            #expect(try await client.get("/openapi.json").status == .ok)
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
