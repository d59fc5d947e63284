import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite struct ExamplesAPITests {
    @Test func createReadUpdateDeleteJourney() async throws {
        try await TestApp().test { client, identity in
            let auth = try await identity.bearer()
            let created = try await client.send(.post, "/api/v1/examples", json: #"{"name":"Quay","description":"stone"}"#, headers: auth)
            #expect(created.status == .created)
            #expect(created.object["message"] as? String == "Example created successfully")
            let data = try #require(created.object["data"] as? [String: Any])
            let id = try #require(data["id"] as? String)
            #expect(data["name"] as? String == "Quay")
            #expect(data["description"] as? String == "stone")
            #expect((data["createdAt"] as? String)?.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil)
            #expect(data["createdAt"] as? String == data["updatedAt"] as? String)

            let read = try await client.get("/api/v1/examples/\(id)")
            #expect(read.status == .ok)
            #expect((read.object["data"] as? [String: Any])?["name"] as? String == "Quay")

            let patched = try await client.send(.patch, "/api/v1/examples/\(id)", json: #"{"description":null}"#, headers: auth)
            #expect(patched.status == .ok)
            let patchedData = try #require(patched.object["data"] as? [String: Any])
            #expect(patchedData["description"] is NSNull)
            #expect(patchedData["name"] as? String == "Quay")

            let replaced = try await client.send(.put, "/api/v1/examples/\(id)", json: #"{"name":"Pier"}"#, headers: auth)
            #expect((replaced.object["data"] as? [String: Any])?["name"] as? String == "Pier")

            let deleted = try await client.execute(uri: "/api/v1/examples/\(id)", method: .delete, headers: auth)
            #expect(deleted.status == .ok)
            #expect(deleted.object["data"] is NSNull)
            #expect(try await client.get("/api/v1/examples/\(id)").status == .notFound)
            #expect(try await client.execute(uri: "/api/v1/examples/\(id)", method: .delete, headers: auth).status == .notFound)
        }
    }

    @Test func validationErrorsListEveryField() async throws {
        try await TestApp().test { client, identity in
            let auth = try await identity.bearer()
            let body = #"{"name": 12, "description": ["x"], "role": "admin"}"#
            let response = try await client.send(.post, "/api/v1/examples", json: body, headers: auth)

            #expect(response.status == .badRequest)
            #expect(response.object["message"] as? String == "Validation failed")
            #expect(
                response.fieldErrors == [
                    "role: role is not an allowed field",
                    "name: name must be a string",
                    "description: description must be a string or null",
                ]
            )
        }
    }

    @Test func nothingIsWrittenWhenValidationFails() async throws {
        try await TestApp().test { client, identity in
            let auth = try await identity.bearer()
            _ = try await client.send(.post, "/api/v1/examples", json: #"{"name": "", "description": "x"}"#, headers: auth)
            let list = try await client.get("/api/v1/examples")
            #expect((list.object["meta"] as? [String: Any])?["total"] as? Int == 0)
        }
    }

    @Test func listHasMetaAndLinks() async throws {
        try await TestApp().test { client, identity in
            let auth = try await identity.bearer()
            for index in 1...25 { _ = try await client.createExample(name: "item \(index)", headers: auth) }

            let response = try await client.get("/api/v1/examples?page=2&limit=10")
            let meta = try #require(response.object["meta"] as? [String: Any])
            let links = try #require(response.object["links"] as? [String: Any])
            let items = try #require(response.object["data"] as? [[String: Any]])

            #expect(items.count == 10)
            #expect(items.first?["name"] as? String == "item 15")
            #expect(meta["page"] as? Int == 2)
            #expect(meta["limit"] as? Int == 10)
            #expect(meta["total"] as? Int == 25)
            #expect(meta["totalPages"] as? Int == 3)
            #expect(links["first"] as? String == "/api/v1/examples?page=1&limit=10")
            #expect(links["prev"] as? String == "/api/v1/examples?page=1&limit=10")
            #expect(links["next"] as? String == "/api/v1/examples?page=3&limit=10")
            #expect(links["last"] as? String == "/api/v1/examples?page=3&limit=10")
        }
    }

    @Test func theFirstAndLastPagesHaveNoPrevAndNoNext() async throws {
        try await TestApp().test { client in
            let response = try await client.get("/api/v1/examples")
            let links = try #require(response.object["links"] as? [String: Any])
            #expect(links["prev"] is NSNull)
            #expect(links["next"] is NSNull)
            #expect(links["last"] as? String == "/api/v1/examples?page=1&limit=10")
            #expect((response.object["data"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func searchFiltersAndIsKeptInTheLinks() async throws {
        try await TestApp().test { client, identity in
            let auth = try await identity.bearer()
            _ = try await client.createExample(name: "Harbour wall", headers: auth)
            _ = try await client.createExample(name: "Lighthouse", description: "by the harbour", headers: auth)
            _ = try await client.createExample(name: "Mill", headers: auth)

            let response = try await client.get("/api/v1/examples?search=harbour+wall%20")
            let broader = try await client.get("/api/v1/examples?search=HARBOUR")

            #expect((response.object["data"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Harbour wall"])
            #expect((broader.object["meta"] as? [String: Any])?["total"] as? Int == 2)
            let links = try #require(broader.object["links"] as? [String: Any])
            #expect(links["first"] as? String == "/api/v1/examples?page=1&limit=10&search=HARBOUR")
        }
    }

    @Test(arguments: [("limit=1000", 100), ("limit=0", 1), ("limit=-3", 1), ("limit=50", 50)])
    func limitIsClampedRatherThanRejected(query: String, expected: Int) async throws {
        try await TestApp().test { client in
            let response = try await client.get("/api/v1/examples?\(query)")
            #expect(response.status == .ok)
            #expect((response.object["meta"] as? [String: Any])?["limit"] as? Int == expected)
        }
    }

    @Test(arguments: ["page=0", "page=abc", "limit=ten", "page=1.5"])
    func badPagingIsA400NamingTheField(query: String) async throws {
        try await TestApp().test { client in
            let response = try await client.get("/api/v1/examples?\(query)")
            #expect(response.status == .badRequest)
            #expect(response.fieldErrors.count == 1)
            #expect(response.fieldErrors.first?.hasPrefix(String(query.prefix { $0 != "=" })) == true)
        }
    }

    @Test func unknownFieldsInAPatchAreRejectedAndNothingChanges() async throws {
        try await TestApp().test { client, identity in
            let auth = try await identity.bearer()
            let id = try await client.createExample(name: "kept", headers: auth)
            let response = try await client.send(
                .patch, "/api/v1/examples/\(id)", json: #"{"name":"changed","createdAt":"2000-01-01"}"#, headers: auth)
            #expect(response.status == .badRequest)
            #expect(response.fieldErrors == ["createdAt: createdAt is not an allowed field"])
            #expect((try await client.get("/api/v1/examples/\(id)").object["data"] as? [String: Any])?["name"] as? String == "kept")
        }
    }

    @Test func anEmptyPatchIsRejected() async throws {
        try await TestApp().test { client, identity in
            let auth = try await identity.bearer()
            let id = try await client.createExample(name: "kept", headers: auth)
            let response = try await client.send(.patch, "/api/v1/examples/\(id)", json: "{}", headers: auth)
            #expect(response.status == .badRequest)
            #expect(response.fieldErrors == ["body: provide at least one of name, description"])
        }
    }

    @Test(arguments: ["not-a-uuid", "00000000-0000-7000-8000-000000000999"])
    func unknownIdsAre404(id: String) async throws {
        try await TestApp().test { client in
            let response = try await client.get("/api/v1/examples/\(id)")
            #expect(response.status == .notFound)
            #expect(response.object["message"] as? String == "Example not found")
        }
    }
}

extension TestClientProtocol {
    /// Creates an example as the caller `headers` authenticate, and returns its id.
    func createExample(name: String, description: String? = nil, headers: HTTPFields) async throws -> String {
        var body: [String: Any] = ["name": name]
        if let description { body["description"] = description }
        let data = try JSONSerialization.data(withJSONObject: body)
        let response = try await send(.post, "/api/v1/examples", json: String(decoding: data, as: UTF8.self), headers: headers)
        guard response.status == .created, let data = response.object["data"] as? [String: Any], let id = data["id"] as? String else {
            throw TestFailure(message: "could not create example: \(response.status) \(String(buffer: response.body))")
        }
        return id
    }
}
