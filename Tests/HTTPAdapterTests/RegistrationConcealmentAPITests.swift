import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing

/// `REGISTRATION_CONCEALS_EXISTING`: on, a new and a taken address get the same answer; off, the handbook's 201/409.
@Suite struct RegistrationConcealmentAPITests {
    private func register(_ client: any TestClientProtocol, _ email: String) async throws -> TestResponse {
        try await client.send(.post, "/api/v1/auth/register", json: #"{"name":"Someone","email":"\#(email)","password":"Passw0rd!"}"#)
    }

    @Test func withTheSettingANewAndATakenAddressGetTheSameAnswer() async throws {
        var app = TestApp()
        app.identitySettings.registrationConcealsExisting = true
        try await app.test { client, identity in
            try await identity.register("Bob", email: "bob@example.com")

            let taken = try await register(client, "bob@example.com")
            let new = try await register(client, "new@example.com")

            #expect(taken.status == .accepted && new.status == .accepted)
            var (takenBody, newBody) = (taken.object, new.object)
            #expect(takenBody.removeValue(forKey: "requestId") != nil && newBody.removeValue(forKey: "requestId") != nil)
            #expect(NSDictionary(dictionary: takenBody) == NSDictionary(dictionary: newBody))
            #expect(newBody["data"] is NSNull)
            #expect(taken.headers[.contentLength] == new.headers[.contentLength])
            try await identity.deliverEmails()
            let sent = await identity.mailer.sent
            #expect(sent.contains { $0.to == "bob@example.com" && $0.subject == "Someone tried to register with your email address" })
            #expect(sent.filter { $0.to == "new@example.com" }.map(\.subject) == ["Confirm your email address"])
        }
    }

    @Test func withTheSettingSigningInAfterRegisteringTellsAFreeAddressFromATakenOneApartNoMore() async throws {
        var app = TestApp()
        app.identitySettings.registrationConcealsExisting = true
        try await app.test { client, identity in
            try await identity.verifiedUser("Bob", email: "bob@example.com")
            let login = #"{"email":"new@example.com","password":"Passw0rd!"}"#

            // The prober registers both with a password of its own, then tries to sign in with it.
            _ = try await register(client, "bob@example.com")
            _ = try await register(client, "new@example.com")
            let taken = try await client.send(.post, "/api/v1/auth/login", json: #"{"email":"bob@example.com","password":"Prob3rPass"}"#)
            let new = try await client.send(.post, "/api/v1/auth/login", json: login)

            #expect(taken.status == .unauthorized)
            #expect(new.status == .unauthorized)
            #expect(taken.object["message"] as? String == new.object["message"] as? String)

            // The address's owner confirms it from the mail, and then signs in.
            try await identity.deliverEmails()
            let token = try #require(try await identity.token(sentTo: "new@example.com", path: "verify-email"))
            let verified = try await client.send(.post, "/api/v1/auth/verify-email", json: #"{"token":"\#(token)"}"#)
            let signedIn = try await client.send(.post, "/api/v1/auth/login", json: login)
            #expect(verified.status == .ok)
            #expect(signedIn.status == .ok)
        }
    }

    @Test func withoutTheSettingRegistrationSignsInAndATakenAddressIs409() async throws {
        try await TestApp().test { client, identity in
            try await identity.register("Bob", email: "bob@example.com")

            let taken = try await register(client, "bob@example.com")
            let new = try await register(client, "new@example.com")

            #expect(taken.status == .conflict)
            #expect(new.status == .created)
            #expect((new.object["data"] as? [String: Any])?.accessToken.isEmpty == false)
        }
    }
}
