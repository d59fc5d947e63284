import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Body limit, content type, malformed JSON and parameter pollution: a client's mistake gets a precise 4xx.
@Suite struct RequestGuardTests {
    @Test func aBodyOverTheLimitIs413BeforeAnyRouteRuns() async throws {
        var app = TestApp()
        app.settings.bodyLimit = 64
        try await app.test { client, identity in
            let auth = try await identity.bearer()
            let big = "{\"name\":\"" + String(repeating: "a", count: 100) + "\"}"
            let response = try await client.send(.post, "/api/v1/examples", json: big, headers: auth)
            #expect(response.status == .contentTooLarge)
            #expect(response.object["message"] as? String == "Request body is larger than the limit of 64 bytes")
            #expect(response.object["success"] as? Bool == false)
        }
    }

    @Test func theLimitAppliesToEveryRouteEvenUnknownOnes() async throws {
        var app = TestApp()
        app.settings.bodyLimit = 16
        try await app.test { client in
            let response = try await client.send(.post, "/api/v1/anything", json: String(repeating: " ", count: 17))
            #expect(response.status == .contentTooLarge)
        }
    }

    @Test func aBodyExactlyAtTheLimitIsAccepted() async throws {
        var app = TestApp()
        let body = "{\"name\":\"exactly\"}"
        app.settings.bodyLimit = body.utf8.count
        try await app.test { client, identity in
            let auth = try await identity.bearer()
            let response = try await client.send(.post, "/api/v1/examples", json: body, headers: auth)
            #expect(response.status == .created)
        }
    }

    // The empty and separator-only values once crashed the process (an index into an empty split).
    @Test(arguments: [
        "text/plain", "application/x-www-form-urlencoded", "application/jsonx", "multipart/form-data; boundary=x", "", ";", " ; ",
        ";charset=utf-8", ";;;", "application",
    ])
    func aBodyThatIsNotJSONIs415(contentType: String) async throws {
        try await TestApp().test { client, identity in
            let auth = try await identity.bearer()
            let response = try await client.send(
                .post, "/api/v1/examples", json: "{\"name\":\"a\"}", headers: auth.adding([.contentType: contentType]))
            #expect(response.status == .unsupportedMediaType)
            #expect(response.object["message"] as? String == "Content-Type must be application/json")
        }
    }

    @Test(arguments: ["application/json; charset=utf-8", "Application/JSON", "application/merge-patch+json"])
    func jsonMediaTypesAreAccepted(contentType: String) async throws {
        try await TestApp().test { client, identity in
            let auth = try await identity.bearer()
            let response = try await client.send(
                .post, "/api/v1/examples", json: "{\"name\":\"a\"}", headers: auth.adding([.contentType: contentType]))
            #expect(response.status == .created)
        }
    }

    @Test func aBodyWithoutContentTypeIs415() async throws {
        try await TestApp().test { client, identity in
            let auth = try await identity.bearer()
            let response = try await client.execute(
                uri: "/api/v1/examples", method: .post, headers: auth, body: ByteBuffer(string: "{\"name\":\"a\"}"))
            #expect(response.status == .unsupportedMediaType)
        }
    }

    @Test(arguments: [
        ("{\"name\": \"a\"", "Malformed JSON in request body: unexpected end of input at byte 12"),
        ("{name: 1}", "Malformed JSON in request body: expected a string key at byte 1"),
    ])
    func malformedJSONIs400WithAPreciseMessage(body: String, message: String) async throws {
        try await TestApp().test { client, identity in
            let auth = try await identity.bearer()
            let response = try await client.send(.post, "/api/v1/examples", json: body, headers: auth)
            #expect(response.status == .badRequest)
            #expect(response.object["message"] as? String == message)
        }
    }

    @Test func aKeyGivenTwiceIs400NamingIt() async throws {
        try await TestApp().test { client in
            let body = #"{"email":"someone@example.com","password":"bad","password":"Passw0rd!"}"#
            let response = try await client.send(.post, "/api/v1/auth/login", json: body)
            #expect(response.status == .badRequest)
            #expect(response.object["message"] as? String == "Duplicate key \"password\" in request body")
            let errors = response.object["errors"] as? [[String: Any]]
            #expect(errors?.first?["field"] as? String == "password")
        }
    }

    @Test(arguments: ["[1,2]", "\"text\"", "42", "null"])
    func aJSONValueThatIsNotAnObjectIs400(body: String) async throws {
        try await TestApp().test { client, identity in
            let auth = try await identity.bearer()
            let response = try await client.send(.post, "/api/v1/examples", json: body, headers: auth)
            #expect(response.status == .badRequest)
            #expect(response.object["message"] as? String == "Request body must be a JSON object")
        }
    }

    @Test func aMissingBodyIs400() async throws {
        try await TestApp().test { client, identity in
            let auth = try await identity.bearer()
            let response = try await client.execute(uri: "/api/v1/examples", method: .post, headers: auth)
            #expect(response.status == .badRequest)
            #expect(response.object["message"] as? String == "Request body must be a JSON object")
        }
    }

    @Test(arguments: ["/api/v1/examples?page=1&page=2", "/api/v1/examples?search=a&limit=5&search=b", "/api/v1/nope?x=1&x=1"])
    func aRepeatedQueryParameterIsRejected(uri: String) async throws {
        try await TestApp().test { client in
            let response = try await client.get(uri)
            #expect(response.status == .badRequest)
            #expect(response.object["message"] as? String == "Query parameters must not be repeated")
            #expect(response.fieldErrors.count == 1)
        }
    }

    @Test func badPercentEncodingIsRejected() async throws {
        try await TestApp().test { client in
            let response = try await client.get("/api/v1/examples?search=%zz")
            #expect(response.status == .badRequest)
            #expect(response.object["message"] as? String == "Query string is not correctly percent-encoded")
        }
    }
}
