import Foundation
import HTTPAdapter
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing

/// The served OpenAPI document and the routes must describe the same API: this fails when they drift.
@Suite struct RouteContractTests {
    static let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    static func documentedOperations() throws -> Set<RouteCatalog.Entry> {
        let text = try #require(HTTPApplication.openAPIDocument)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var operations: Set<RouteCatalog.Entry> = []
        for (path, item) in paths {
            for method in item.keys where methods.contains(method) {
                operations.insert(RouteCatalog.Entry(method: method.uppercased(), path: path))
            }
        }
        return operations
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedOperationIsARoute() async throws {
        let app = TestApp()
        let (_, catalog) = HTTPApplication.buildRouter(settings: app.settings, dependencies: app.dependencies(await IdentityFixture()))
        let routes = Set(catalog.entries)
        let documented = try Self.documentedOperations()

        #expect(routes.subtracting(documented).isEmpty, "routes missing from the OpenAPI document: \(routes.subtracting(documented))")
        #expect(documented.subtracting(routes).isEmpty, "documented operations with no route: \(documented.subtracting(routes))")
        #expect(catalog.entries.count == routes.count, "a route is registered twice")
    }

    @Test func everyDocumentedOperationAnswersWithoutRouteNotFound() async throws {
        let operations = try Self.documentedOperations()
        try await TestApp().test { client in
            for operation in operations {
                let uri = operation.path.replacingOccurrences(of: "{id}", with: "00000000-0000-7000-8000-000000000001")
                let method = HTTPRequest.Method(operation.method)!
                let response = try await client.execute(uri: uri, method: method)
                #expect(response.object["message"] as? String != "Route not found", "\(operation.method) \(operation.path)")
                #expect(response.headers[HTTPField.Name("X-Request-Id")!] != nil)
            }
        }
    }

    @Test func everyReferenceInTheDocumentResolves() throws {
        let text = try #require(HTTPApplication.openAPIDocument)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let references = text.matches(of: /"\$ref"\s*:\s*"#\/([^"]+)"/).map { String($0.output.1) }
        #expect(!references.isEmpty)
        for reference in Set(references) {
            var node: Any? = document
            for part in reference.split(separator: "/") { node = (node as? [String: Any])?[String(part)] }
            #expect(node != nil, "unresolved $ref #/\(reference)")
        }
    }
}
