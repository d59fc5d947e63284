import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing

@Suite struct UsersAPITests {
    @Test func usersMeShowsAndChangesTheCallersProfile() async throws {
        try await TestApp().test { client in
            let data = try await client.register("ada@example.com")

            let me = try await client.get("/api/v1/users/me", headers: data.bearer)
            let renamed = try await client.send(.patch, "/api/v1/users/me", json: #"{"name":"Ada L."}"#, headers: data.bearer)
            let escalation = try await client.send(.patch, "/api/v1/users/me", json: #"{"role":"admin"}"#, headers: data.bearer)
            let empty = try await client.send(.patch, "/api/v1/users/me", json: "{}", headers: data.bearer)

            #expect((me.object["data"] as? [String: Any])?["email"] as? String == "ada@example.com")
            #expect((renamed.object["data"] as? [String: Any])?["name"] as? String == "Ada L.")
            #expect(escalation.status == .badRequest)
            #expect(escalation.fieldErrors == ["role: role is not an allowed field"])
            #expect(empty.status == .badRequest)
            let after = try await client.get("/api/v1/users/me", headers: data.bearer)
            #expect((after.object["data"] as? [String: Any])?["role"] as? String == "user")
        }
    }

    @Test func anEmailChangeNeedsTheCurrentPassword() async throws {
        try await TestApp().test { client in
            let data = try await client.register("ada@example.com")

            let missing = try await client.send(.patch, "/api/v1/users/me", json: #"{"email":"thief@evil.example"}"#, headers: data.bearer)
            let wrong = try await client.send(
                .patch, "/api/v1/users/me", json: #"{"email":"thief@evil.example","currentPassword":"Wrong1234"}"#, headers: data.bearer)
            let after = try await client.get("/api/v1/users/me", headers: data.bearer)

            #expect(missing.status == .badRequest)
            #expect(missing.fieldErrors == ["currentPassword: currentPassword is required"])
            #expect(wrong.status == .badRequest)
            #expect(wrong.fieldErrors == ["currentPassword: currentPassword is incorrect"])
            #expect((after.object["data"] as? [String: Any])?["pendingEmail"] is NSNull)
        }
    }

    @Test func anEmailChangeIsPendingAndATakenAddressLooksTheSame() async throws {
        try await TestApp().test { client, identity in
            let ada = try await client.register("ada@example.com")
            let eve = try await client.register("eve@example.com")
            _ = try await client.register("bob@example.com")
            try await identity.deliverEmails()
            let before = await identity.mailer.sent.count

            let free = try await client.send(
                .patch, "/api/v1/users/me", json: #"{"email":"eve@new.example","currentPassword":"Passw0rd!"}"#, headers: eve.bearer)
            let taken = try await client.send(
                .patch, "/api/v1/users/me", json: #"{"email":"bob@example.com","currentPassword":"Passw0rd!"}"#, headers: ada.bearer)

            #expect(free.status == .ok && taken.status == .ok)
            let (freeUser, takenUser) = (try #require(free.object["data"] as? [String: Any]), try #require(taken.object["data"] as? [String: Any]))
            #expect(free.object["message"] as? String == taken.object["message"] as? String)
            #expect(Set(free.object.keys) == Set(taken.object.keys) && Set(freeUser.keys) == Set(takenUser.keys))
            #expect(freeUser["pendingEmail"] as? String == "eve@new.example")
            #expect(takenUser["email"] as? String == "ada@example.com" && takenUser["pendingEmail"] as? String == "bob@example.com")
            try await identity.deliverEmails()
            let toBob = await identity.mailer.sent.dropFirst(before).filter { $0.to == "bob@example.com" }
            #expect(toBob.map(\.subject) == ["Someone tried to use your email address"])
            #expect(toBob.allSatisfy { !$0.text.contains("token=") })
        }
    }

    @Test func theCancelLinkSentToTheOldAddressRestoresItAndEndsEverySession() async throws {
        try await TestApp().test { client, identity in
            let ada = try await client.register("ada@example.com")
            let change = try await client.send(
                .patch, "/api/v1/users/me", json: #"{"email":"thief@evil.example","currentPassword":"Passw0rd!"}"#, headers: ada.bearer)
            let confirm = try #require(try await identity.token(sentTo: "thief@evil.example", path: "verify-email"))
            let confirmed = try await client.send(.post, "/api/v1/auth/verify-email", json: #"{"token":"\#(confirm)"}"#)
            let cancel = try #require(try await identity.token(sentTo: "ada@example.com", path: "cancel-email-change"))

            let cancelled = try await client.send(.post, "/api/v1/auth/cancel-email-change", json: #"{"token":"\#(cancel)"}"#)
            let again = try await client.send(.post, "/api/v1/auth/cancel-email-change", json: #"{"token":"\#(cancel)"}"#)

            #expect(change.status == .ok && confirmed.status == .ok)
            #expect(cancelled.status == .ok)
            #expect(again.status == .badRequest)
            #expect(again.fieldErrors == ["token: token is invalid or has expired"])
            #expect(try await client.get("/api/v1/users/me", headers: ada.bearer).status == .unauthorized)
            // The address is back, and the password whoever asked for the change knew is retired with it.
            #expect(try await client.login("ada@example.com").status == .unauthorized)
            #expect(try await client.login("thief@evil.example").status == .unauthorized)
            #expect(try await identity.database.users.find(email: "ada@example.com") != nil)
        }
    }

    @Test func nonAdministratorsGet403OnEveryAdministrativeRoute() async throws {
        try await TestApp().test { client in
            let data = try await client.register("ada@example.com")
            let id = try #require((data["user"] as? [String: Any])?["id"] as? String)
            let requests: [(HTTPRequest.Method, String, String?)] = [
                (.get, "/api/v1/users", nil), (.get, "/api/v1/users/\(id)", nil), (.patch, "/api/v1/users/\(id)", #"{"role":"admin"}"#),
                (.delete, "/api/v1/users/\(id)", nil), (.post, "/api/v1/users/\(id)/unlock", nil), (.get, "/api/v1/audit-events", nil),
            ]
            for (method, uri, body) in requests {
                let response =
                    if let body {
                        try await client.send(method, uri, json: body, headers: data.bearer)
                    } else {
                        try await client.execute(uri: uri, method: method, headers: data.bearer)
                    }
                #expect(response.status == .forbidden, "\(method) \(uri)")
            }
            #expect(try await client.get("/api/v1/users/me", headers: data.bearer).object.description.contains("\"admin\"") == false)
        }
    }

    @Test func administratorsSearchAccountsInFullText() async throws {
        try await TestApp().test { client, identity in
            let admin = try await identity.bearer("root@example.com", role: .admin)
            _ = try await client.register("ada@example.com", name: "Ada Lovelace")
            _ = try await client.register("grace@example.com", name: "Grace Hopper")
            _ = try await client.register("lovelace.fan@example.org", name: "Charles")

            let found = try await client.get("/api/v1/users?q=lovelace&role=user", headers: admin)
            let items = try #require(found.object["data"] as? [[String: Any]])
            #expect(found.status == .ok)
            #expect(items.map { $0["email"] as? String } == ["ada@example.com", "lovelace.fan@example.org"])
            #expect(items.first?["failedLoginAttempts"] as? Int == 0)
            #expect(items.first?["rank"] is Double)
            let email = try #require((items.last?["highlights"] as? [String: Any])?["email"] as? [[String: Any]])
            #expect(email.first?["text"] as? String == "lovelace")
            #expect(email.first?["match"] as? Bool == true)
            #expect((found.object["links"] as? [String: Any])?["first"] as? String == "/api/v1/users?page=1&limit=10&q=lovelace&role=user")

            let both = try await client.get("/api/v1/users?q=lovelace&search=nobody", headers: admin)
            #expect((both.object["meta"] as? [String: Any])?["total"] as? Int == 2)
            let badRoleAndQuery = try await client.get("/api/v1/users?q=-ada&role=owner", headers: admin)
            #expect(badRoleAndQuery.fieldErrors == ["role: role must be one of user, admin"])
            let user = try await identity.bearer("plain@example.com")
            #expect(try await client.get("/api/v1/users?q=ada", headers: user).status == .forbidden)
        }
    }

    @Test func administratorsManageAccounts() async throws {
        try await TestApp().test { client, identity in
            let admin = try await identity.bearer("root@example.com", role: .admin)
            let ada = try await client.register("ada@example.com", name: "Ada Lovelace")
            let id = try #require((ada["user"] as? [String: Any])?["id"] as? String)

            let list = try await client.get("/api/v1/users?search=lovelace&limit=5", headers: admin)
            let one = try await client.get("/api/v1/users/\(id)", headers: admin)
            let promoted = try await client.send(.patch, "/api/v1/users/\(id)", json: #"{"role":"admin","isActive":true}"#, headers: admin)
            let badRole = try await client.send(.patch, "/api/v1/users/\(id)", json: #"{"role":"owner"}"#, headers: admin)
            let unknown = try await client.get("/api/v1/users/00000000-0000-7000-8000-00000000ffff", headers: admin)

            #expect((list.object["meta"] as? [String: Any])?["total"] as? Int == 1)
            #expect(((list.object["data"] as? [[String: Any]])?.first)?["failedLoginAttempts"] as? Int == 0)
            #expect((one.object["data"] as? [String: Any])?["email"] as? String == "ada@example.com")
            #expect((promoted.object["data"] as? [String: Any])?["role"] as? String == "admin")
            #expect(badRole.status == .badRequest)
            #expect(unknown.status == .notFound)

            let deleted = try await client.execute(uri: "/api/v1/users/\(id)", method: .delete, headers: admin)
            #expect(deleted.status == .ok)
            #expect(try await client.get("/api/v1/users/me", headers: ada.bearer).status == .unauthorized)
        }
    }

    @Test func anAdministratorUnlocksAnAccount() async throws {
        try await TestApp().test { client, identity in
            let admin = try await identity.bearer("root@example.com", role: .admin)
            let ada = try await client.register("ada@example.com")
            let id = try #require((ada["user"] as? [String: Any])?["id"] as? String)
            for _ in 0..<3 { _ = try await client.login("ada@example.com", "Wrong1234") }
            #expect(try await client.login("ada@example.com").status == .tooManyRequests)
            let throttled = try await client.get("/api/v1/users/\(id)", headers: admin)

            let unlocked = try await client.execute(uri: "/api/v1/users/\(id)/unlock", method: .post, headers: admin)

            #expect((throttled.object["data"] as? [String: Any])?["failedLoginAttempts"] as? Int == 3)
            #expect((throttled.object["data"] as? [String: Any])?["lockedUntil"] is String)
            #expect(unlocked.status == .ok)
            #expect((unlocked.object["data"] as? [String: Any])?["lockedUntil"] is NSNull)
            #expect((unlocked.object["data"] as? [String: Any])?["failedLoginAttempts"] as? Int == 0)
            #expect(try await client.login("ada@example.com").status == .ok)
        }
    }

    @Test func auditEventsAreFilteredAndPaged() async throws {
        try await TestApp().test { client, identity in
            let admin = try await identity.bearer("root@example.com", role: .admin)
            _ = try await client.register("ada@example.com")
            _ = try await client.login("ada@example.com", "Wrong1234")

            let failures = try await client.get("/api/v1/audit-events?action=auth.login&limit=50", headers: admin)
            let badTime = try await client.get("/api/v1/audit-events?from=yesterday", headers: admin)
            let badActor = try await client.get("/api/v1/audit-events?actor=nobody", headers: admin)
            let window = try await client.get("/api/v1/audit-events?from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00.000Z", headers: admin)

            let events = try #require(failures.object["data"] as? [[String: Any]])
            #expect(!events.isEmpty)
            #expect(events.allSatisfy { $0["action"] as? String == "auth.login" })
            #expect(events.contains { $0["outcome"] as? String == "failure" })
            #expect(badTime.status == .badRequest)
            #expect(badActor.status == .badRequest)
            #expect((window.object["meta"] as? [String: Any])?["total"] as? Int == 0)
        }
    }
}

@Suite struct ExampleOwnershipAPITests {
    @Test func writingExamplesNeedsABearerToken() async throws {
        try await TestApp().test { client in
            let response = try await client.send(.post, "/api/v1/examples", json: #"{"name":"anonymous"}"#)
            #expect(response.status == .unauthorized)
        }
    }

    @Test func anotherUsersExampleIs404AndUnchanged() async throws {
        try await TestApp().test { client, identity in
            let owner = try await identity.bearer("owner@example.com")
            let stranger = try await identity.bearer("stranger@example.com")
            let id = try await client.createExample(name: "mine", headers: owner)

            let patch = try await client.send(.patch, "/api/v1/examples/\(id)", json: #"{"name":"theirs"}"#, headers: stranger)
            let delete = try await client.execute(uri: "/api/v1/examples/\(id)", method: .delete, headers: stranger)
            let read = try await client.get("/api/v1/examples/\(id)")

            #expect(patch.status == .notFound)
            #expect(delete.status == .notFound)
            #expect((read.object["data"] as? [String: Any])?["name"] as? String == "mine")
        }
    }

    @Test func anUnverifiedUserCannotCreateExamples() async throws {
        try await TestApp().test { client in
            let data = try await client.register("ada@example.com")
            let response = try await client.send(.post, "/api/v1/examples", json: #"{"name":"early"}"#, headers: data.bearer)
            #expect(response.status == .forbidden)
        }
    }
}
