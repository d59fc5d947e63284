import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// A path the API has, asked with a method it does not take: 405 with `Allow`, in the envelope; a path it does not
/// have stays 404.
@Suite struct MethodNotAllowedTests {
    @Test(arguments: [
        (HTTPRequest.Method.delete, "/api/v1/health", "GET"),
        // The router takes the literal `/users/me` over `/users/{id}` for every method, so DELETE (which only
        // `/users/{id}` takes) is not allowed there either.
        (.put, "/api/v1/users/me", "GET, PATCH"),
        (.delete, "/api/v1/users/me", "GET, PATCH"),
        (.post, "/api/v1/examples/01a215c2-2972-724f-9070-4427124fcd01", "DELETE, GET, PATCH, PUT"),
        (HTTPRequest.Method("TRACE")!, "/api/v1/jobs/stats", "GET"),
    ])
    func aKnownPathWithAnotherMethodIs405WithAllow(method: HTTPRequest.Method, path: String, allow: String) async throws {
        try await TestApp().test { client in
            let response = try await client.execute(uri: path, method: method)

            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == allow)
            #expect(response.object["message"] as? String == "Method not allowed")
            #expect(response.object["statusCode"] as? Int == 405)
        }
    }

    @Test func anUnknownPathIsStill404() async throws {
        try await TestApp().test { client in
            let response = try await client.execute(uri: "/api/v1/nothing-here", method: .delete)

            #expect(response.status == .notFound)
            #expect(response.headers[.allow] == nil)
        }
    }
}
