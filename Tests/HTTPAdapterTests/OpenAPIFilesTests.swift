import Domain
import Foundation
import TestSupport
import Testing

@testable import HTTPAdapter

/// The OpenAPI document is one file per module, merged at load: each file holds its own module's operations, and two
/// files can never both define one path or component.
@Suite struct OpenAPIFilesTests {
    static let directory = packageRoot().appendingPathComponent("Sources/HTTPAdapter/Resources/openapi")

    @Test func eachModuleFileHoldsOnlyTheOperationsOfItsOwnTag() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).filter { $0.hasSuffix(".json") }.sorted()
        #expect(names.first == "00-base.json")
        for name in names.dropFirst() {
            let part = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: Self.directory.appendingPathComponent(name))) as? [String: Any])
            let own = Set((part["tags"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String })
            #expect(own.count == 1, "\(name) declares \(own.count) tags")
            for (path, item) in part["paths"] as? [String: [String: Any]] ?? [:] {
                for (method, operation) in item where RouteContractTests.methods.contains(method) {
                    let tags = (operation as? [String: Any])?["tags"] as? [String] ?? []
                    #expect(Set(tags).isSubset(of: own) && !tags.isEmpty, "\(name): \(method) \(path) is tagged \(tags)")
                }
            }
        }
    }

    @Test func aPathOrComponentDefinedInTwoFilesIsRefused() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("openapi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let item = #"{"paths": {"/api/v1/things": {"get": {"responses": {}}}}, "components": {"schemas": {"Thing": {}}}}"#
        try Data(#"{"openapi": "3.1.0", "paths": {}}"#.utf8).write(to: directory.appendingPathComponent("00-base.json"))
        try Data(item.utf8).write(to: directory.appendingPathComponent("10-things.json"))
        let merged = try OpenAPIDocument.load(from: directory)
        #expect((merged["paths"] as? [String: Any])?.keys.sorted() == ["/api/v1/things"])

        try Data(item.utf8).write(to: directory.appendingPathComponent("20-more-things.json"))
        #expect(throws: OpenAPIDocument.MergeError.self) { try OpenAPIDocument.load(from: directory) }
        let schemaOnly = #"{"components": {"schemas": {"Thing": {}}}}"#
        try Data(schemaOnly.utf8).write(to: directory.appendingPathComponent("20-more-things.json"))
        #expect(throws: OpenAPIDocument.MergeError.self) { try OpenAPIDocument.load(from: directory) }
    }

    @Test func theServedDocumentStatesTheConfiguredPasswordPolicy() throws {
        let text = try #require(OpenAPIDocument.json(passwordPolicy: PasswordPolicy(length: 12...128)))
        let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let schema = ((document["components"] as? [String: Any])?["schemas"] as? [String: Any])?["NewPassword"] as? [String: Any]
        #expect(schema?["minLength"] as? Int == 12)
        #expect(!text.contains("$portside"))
    }
}
