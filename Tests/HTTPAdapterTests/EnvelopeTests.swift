import Foundation
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing

@Suite struct EnvelopeTests {
    @Test func successEnvelopeCarriesEveryFieldAndTheRequestIdOfTheHeader() async throws {
        try await TestApp().test { client in
            let response = try await client.get("/api/v1/health/live")
            let body = response.object

            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            #expect(body["success"] as? Bool == true)
            #expect(body["statusCode"] as? Int == 200)
            #expect(body["message"] as? String == "Service alive")
            #expect(body["data"] != nil)
            let requestId = try #require(body["requestId"] as? String)
            #expect(response.headers[HTTPField.Name("X-Request-Id")!] == requestId)
            #expect(UUID(uuidString: requestId) != nil)
        }
    }

    @Test func envelopeKeysComeInTheDocumentedOrder() async throws {
        try await TestApp().test { client in
            let text = try await client.get("/api/v1/health/live").text
            let order = ["\"success\"", "\"statusCode\"", "\"message\"", "\"data\"", "\"requestId\""].map {
                text.range(of: $0)?.lowerBound.utf16Offset(in: text) ?? -1
            }
            #expect(order == order.sorted())
            #expect(!order.contains(-1))
        }
    }

    @Test(arguments: ["abc", "A.b_c-1", String(repeating: "x", count: 128)])
    func aValidIncomingRequestIdIsPropagated(id: String) async throws {
        try await TestApp().test { client in
            let response = try await client.get("/api/v1/health/live", headers: [HTTPField.Name("X-Request-Id")!: id])
            #expect(response.headers[HTTPField.Name("X-Request-Id")!] == id)
            #expect(response.object["requestId"] as? String == id)
        }
    }

    @Test(arguments: ["", "has space", "semi;colon", "<script>", String(repeating: "x", count: 129), "ünïcode"])
    func anInvalidIncomingRequestIdIsReplaced(id: String) async throws {
        try await TestApp().test { client in
            let response = try await client.get("/api/v1/health/live", headers: [HTTPField.Name("X-Request-Id")!: id])
            let echoed = try #require(response.headers[HTTPField.Name("X-Request-Id")!])
            #expect(echoed != id)
            #expect(UUID(uuidString: echoed) != nil)
            #expect(response.object["requestId"] as? String == echoed)
        }
    }

    @Test(arguments: ["/nope", "/api/v1/nope", "/api/v2/examples", "/api/v1/examples/1/extra"])
    func unknownRoutesGetA404Envelope(path: String) async throws {
        try await TestApp().test { client in
            let response = try await client.get(path)
            #expect(response.status == .notFound)
            #expect(response.object["success"] as? Bool == false)
            #expect(response.object["message"] as? String == "Route not found")
            #expect(response.object["requestId"] as? String == response.headers[HTTPField.Name("X-Request-Id")!])
        }
    }

    @Test func anUnsupportedMethodOnAKnownPathIsA405Envelope() async throws {
        try await TestApp().test { client in
            let response = try await client.execute(uri: "/api/v1/health", method: .delete)
            #expect(response.status == .methodNotAllowed)
            #expect(response.object["success"] as? Bool == false)
            #expect(response.object["statusCode"] as? Int == 405)
        }
    }

    @Test func internalErrorsAreGenericAndNeverCarryTheirDetail() async throws {
        var app = TestApp()
        app.repository = FailingExampleRepository()
        try await app.test { client in
            let response = try await client.get("/api/v1/examples")

            #expect(response.status == .internalServerError)
            #expect(response.object["message"] as? String == "Internal server error")
            #expect(response.object["success"] as? Bool == false)
            #expect(!response.text.contains("secret"))
            #expect(!response.text.contains("disk"))
            #expect(response.object["requestId"] as? String == response.headers[HTTPField.Name("X-Request-Id")!])
        }
    }
}
