import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing

@testable import HTTPAdapter

extension TestClientProtocol {
    /// Registers through the API and returns `data` (user and tokens).
    func register(_ email: String, password: String = "Passw0rd!", name: String = "Ada") async throws -> [String: Any] {
        let response = try await send(.post, "/api/v1/auth/register", json: #"{"name":"\#(name)","email":"\#(email)","password":"\#(password)"}"#)
        guard response.status == .created, let data = response.object["data"] as? [String: Any] else {
            throw TestFailure(message: "register failed: \(response.status) \(response.text)")
        }
        return data
    }

    func login(_ email: String, _ password: String = "Passw0rd!") async throws -> TestResponse {
        try await send(.post, "/api/v1/auth/login", json: #"{"email":"\#(email)","password":"\#(password)"}"#)
    }
}

extension [String: Any] {
    var accessToken: String { ((self["tokens"] as? [String: Any])?["accessToken"] as? String) ?? "" }
    var refreshToken: String { ((self["tokens"] as? [String: Any])?["refreshToken"] as? String) ?? "" }
    var bearer: HTTPFields { [.authorization: "Bearer \(accessToken)"] }
}

@Suite struct AuthAPITests {
    @Test func registerAnswers201WithUserAndTokensAndNoSecretsBeyondTheTokens() async throws {
        try await TestApp().test { client in
            let response = try await client.send(
                .post, "/api/v1/auth/register", json: #"{"name":"Ada","email":"Ada@Example.com","password":"Passw0rd!"}"#)

            #expect(response.status == .created)
            let data = try #require(response.object["data"] as? [String: Any])
            let user = try #require(data["user"] as? [String: Any])
            #expect(user["email"] as? String == "ada@example.com")
            #expect(user["role"] as? String == "user")
            #expect(user["emailVerified"] as? Bool == false)
            #expect(
                Set(user.keys) == ["id", "name", "email", "pendingEmail", "role", "emailVerified", "isActive", "createdAt", "updatedAt", "avatarUrl"])
            #expect(data.accessToken.split(separator: ".").count == 3)
            #expect(data.refreshToken.count == 43)
            #expect(!response.text.contains("Passw0rd!"))
            #expect(!response.text.lowercased().contains("hash"))
        }
    }

    @Test func registerRejectsARoleDuplicatesAndBadInput() async throws {
        try await TestApp().test { client in
            _ = try await client.register("ada@example.com")
            let duplicate = try await client.send(
                .post, "/api/v1/auth/register", json: #"{"name":"B","email":"ADA@example.com","password":"Passw0rd!"}"#)
            let escalation = try await client.send(
                .post, "/api/v1/auth/register", json: #"{"name":"B","email":"b@example.com","password":"Passw0rd!","role":"admin"}"#
            )
            let weak = try await client.send(.post, "/api/v1/auth/register", json: #"{"name":"B","email":"b@example.com","password":"password"}"#)

            #expect(duplicate.status == .conflict)
            #expect(duplicate.object["message"] as? String == "Email is already registered")
            #expect(escalation.status == .badRequest)
            #expect(escalation.fieldErrors == ["role: role is not an allowed field"])
            #expect(weak.status == .badRequest)
            #expect(weak.fieldErrors.contains("password: password must contain an upper-case letter (A-Z)"))
        }
    }

    @Test func unknownEmailAndWrongPasswordGetTheSameAnswer() async throws {
        try await TestApp().test { client in
            _ = try await client.register("ada@example.com")

            let unknown = try await client.login("nobody@example.com")
            let wrong = try await client.login("ada@example.com", "Wrong1234")

            #expect(unknown.status == .unauthorized)
            #expect(wrong.status == unknown.status)
            let requestID = /"requestId":"[^"]*"/
            #expect(unknown.text.replacing(requestID, with: "") == wrong.text.replacing(requestID, with: ""))
            #expect(unknown.text.contains(#""message":"Invalid or missing credentials""#))
            #expect(unknown.headers[.wwwAuthenticate] == "Bearer")
        }
    }

    @Test func repeatedWrongPasswordsAre429WithRetryAfterAlikeForRealAndUnknownAccounts() async throws {
        try await TestApp().test { client, identity in
            let ada = try await client.register("ada@example.com")
            let bearer: HTTPFields = [.authorization: "Bearer \(try #require((ada["tokens"] as? [String: Any])?["accessToken"] as? String))"]

            func answers(_ email: String) async throws -> [String] {
                var seen: [String] = []
                for step in 0..<6 {
                    let response = try await client.login(email, "Wrong1234")
                    seen.append("\(response.status.code) \(response.headers[.retryAfter] ?? "-")")
                    if step == 3 { identity.clock.advance(by: 1) }
                }
                return seen
            }
            let real = try await answers("ada@example.com")
            let unknown = try await answers("nobody@example.com")
            let rightPassword = try await client.login("ada@example.com")
            let me = try await client.get("/api/v1/users/me", headers: bearer)

            #expect(real == ["401 -", "401 -", "401 -", "429 1", "401 -", "429 2"])
            #expect(unknown == real)
            #expect(rightPassword.status == .tooManyRequests)
            // Its last wrong password was two attempts' worth of waiting ago, of which one second has passed.
            #expect(rightPassword.headers[.retryAfter] == "1")
            #expect(me.status == .ok)
        }
    }

    @Test func refreshRotatesAndAReplayRevokesTheSession() async throws {
        try await TestApp().test { client in
            let data = try await client.register("ada@example.com")

            let refreshed = try await client.send(.post, "/api/v1/auth/refresh-token", json: #"{"refreshToken":"\#(data.refreshToken)"}"#)
            let replay = try await client.send(.post, "/api/v1/auth/refresh-token", json: #"{"refreshToken":"\#(data.refreshToken)"}"#)

            #expect(refreshed.status == .ok)
            let tokens = try #require(refreshed.object["data"] as? [String: Any])
            #expect(Set(tokens.keys) == ["accessToken", "refreshToken"])
            #expect(replay.status == .unauthorized)
            let newAccess = try #require(tokens["accessToken"] as? String)
            let profile = try await client.get("/api/v1/auth/profile", headers: [.authorization: "Bearer \(newAccess)"])
            #expect(profile.status == .unauthorized)
        }
    }

    @Test func aRefreshTokenIsRefusedAsABearerToken() async throws {
        try await TestApp().test { client in
            let data = try await client.register("ada@example.com")

            let response = try await client.get("/api/v1/auth/profile", headers: [.authorization: "Bearer \(data.refreshToken)"])

            #expect(response.status == .unauthorized)
        }
    }

    @Test(arguments: ["", "Basic YWRhOnB3", "Bearer", "Bearer not.a.jwt"])
    func missingOrMalformedCredentialsAre401(header: String) async throws {
        try await TestApp().test { client in
            let headers: HTTPFields = header.isEmpty ? [:] : [.authorization: header]
            let response = try await client.get("/api/v1/users/me", headers: headers)
            #expect(response.status == .unauthorized)
            #expect(response.object["message"] as? String == "Invalid or missing credentials")
        }
    }

    @Test func logoutAndRevokeAllEndAccessAtOnce() async throws {
        try await TestApp().test { client in
            let first = try await client.register("ada@example.com")
            let second = try #require(try await client.login("ada@example.com").object["data"] as? [String: Any])

            let logout = try await client.send(.post, "/api/v1/auth/logout", json: #"{"refreshToken":"\#(first.refreshToken)"}"#)
            #expect(logout.status == .ok)
            #expect(try await client.get("/api/v1/auth/profile", headers: first.bearer).status == .unauthorized)
            #expect(try await client.get("/api/v1/auth/profile", headers: second.bearer).status == .ok)

            let revoke = try await client.execute(uri: "/api/v1/auth/revoke-all", method: .post, headers: second.bearer)
            #expect(revoke.status == .ok)
            #expect(try await client.get("/api/v1/auth/profile", headers: second.bearer).status == .unauthorized)
        }
    }

    @Test func profileReturnsTheUserUnderUser() async throws {
        try await TestApp().test { client in
            let data = try await client.register("ada@example.com")

            let response = try await client.get("/api/v1/auth/profile", headers: data.bearer)

            let user = try #require((response.object["data"] as? [String: Any])?["user"] as? [String: Any])
            #expect(user["email"] as? String == "ada@example.com")
            #expect(user["createdAt"] is String)
        }
    }

    @Test func verificationAndResendWorkThroughTheAPI() async throws {
        try await TestApp().test { client, identity in
            let data = try await client.register("ada@example.com")
            let resend = try await client.execute(uri: "/api/v1/auth/resend-verification", method: .post, headers: data.bearer)
            let token = try #require(try await identity.token(sentTo: "ada@example.com", path: "verify-email"))

            let verified = try await client.send(.post, "/api/v1/auth/verify-email", json: #"{"token":"\#(token)"}"#)
            let again = try await client.send(.post, "/api/v1/auth/verify-email", json: #"{"token":"\#(token)"}"#)
            let resendAfter = try await client.execute(uri: "/api/v1/auth/resend-verification", method: .post, headers: data.bearer)

            #expect(resend.status == .ok)
            #expect(verified.status == .ok)
            #expect(((verified.object["data"] as? [String: Any])?["user"] as? [String: Any])?["emailVerified"] as? Bool == true)
            #expect(again.status == .badRequest)
            #expect(again.fieldErrors == ["token: token is invalid or has expired"])
            #expect(resendAfter.status == .conflict)
        }
    }

    @Test func forgotPasswordAnswersTheSameForAnyEmailAndResetWorks() async throws {
        try await TestApp().test { client, identity in
            let data = try await client.register("ada@example.com")

            let known = try await client.send(.post, "/api/v1/auth/forgot-password", json: #"{"email":"ada@example.com"}"#)
            let unknown = try await client.send(.post, "/api/v1/auth/forgot-password", json: #"{"email":"nobody@example.com"}"#)
            let token = try #require(try await identity.token(sentTo: "ada@example.com", path: "reset-password"))
            let reset = try await client.send(.post, "/api/v1/auth/reset-password", json: #"{"token":"\#(token)","newPassword":"N3wPassword"}"#)

            #expect(known.status == .ok)
            #expect(unknown.status == .ok)
            #expect(known.object["message"] as? String == unknown.object["message"] as? String)
            #expect(reset.status == .ok)
            #expect(try await client.get("/api/v1/auth/profile", headers: data.bearer).status == .unauthorized)
            #expect(try await client.login("ada@example.com").status == .unauthorized)
            #expect(try await client.login("ada@example.com", "N3wPassword").status == .ok)
        }
    }

    @Test func changePasswordNeedsTheCurrentOne() async throws {
        try await TestApp().test { client in
            let data = try await client.register("ada@example.com")

            let wrong = try await client.send(
                .post, "/api/v1/auth/change-password", json: #"{"currentPassword":"Wrong1234","newPassword":"N3wPassword"}"#, headers: data.bearer
            )
            let right = try await client.send(
                .post, "/api/v1/auth/change-password", json: #"{"currentPassword":"Passw0rd!","newPassword":"N3wPassword"}"#, headers: data.bearer
            )

            #expect(wrong.status == .badRequest)
            #expect(wrong.fieldErrors == ["currentPassword: currentPassword is incorrect"])
            #expect(right.status == .ok)
            #expect(try await client.get("/api/v1/auth/profile", headers: data.bearer).status == .ok)
            #expect(try await client.login("ada@example.com", "N3wPassword").status == .ok)
        }
    }

    @Test func sessionsAreListedWithoutSecretsAndEndedOneByOne() async throws {
        try await TestApp().test { client in
            let first = try await client.register("ada@example.com")
            _ = try await client.login("ada@example.com")

            let list = try await client.get("/api/v1/auth/sessions", headers: first.bearer.adding([.userAgent: "ignored"]))
            let sessions = try #require(list.object["data"] as? [[String: Any]])
            let other = try #require(sessions.first { $0["current"] as? Bool == false }?["id"] as? String)
            let ended = try await client.execute(uri: "/api/v1/auth/sessions/\(other)", method: .delete, headers: first.bearer)
            let again = try await client.execute(uri: "/api/v1/auth/sessions/\(other)", method: .delete, headers: first.bearer)

            #expect(sessions.count == 2)
            #expect(Set(sessions[0].keys) == ["id", "userAgent", "ipAddress", "createdAt", "lastUsedAt", "expiresAt", "current"])
            #expect(ended.status == .ok)
            #expect(again.status == .notFound)
        }
    }

    @Test func theAuthRoutesHaveTheirOwnLimitPerRoute() async throws {
        var app = TestApp()
        app.settings.authRateLimitMax = 2
        try await app.test { client in
            _ = try await client.login("a@example.com")
            _ = try await client.login("a@example.com")
            let limited = try await client.login("a@example.com")
            let otherRoute = try await client.send(.post, "/api/v1/auth/forgot-password", json: #"{"email":"a@example.com"}"#)
            let unlimited = try await client.get("/api/v1/examples")

            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] != nil)
            #expect(otherRoute.status == .ok)
            #expect(unlimited.status == .ok)
        }
    }
}

@Suite struct AuthRateLimitPathTests {
    @Test func aTrailingOrDoubledSlashDoesNotEscapeTheAuthLimit() async throws {
        var app = TestApp()
        app.settings.authRateLimitMax = 2
        try await app.test { client in
            let body = #"{"email":"a@example.com","password":"Passw0rd!"}"#
            let first = try await client.send(.post, "/api/v1/auth/login/", json: body)
            _ = try await client.send(.post, "/api/v1//auth/login", json: body)
            let third = try await client.send(.post, "/api/v1/auth/login", json: body)

            #expect(first.status == .unauthorized)
            #expect(third.status == .tooManyRequests)
        }
    }

    @Test func everyRouteThatTakesCredentialsTokensOrMailRequestsIsLimited() async throws {
        var app = TestApp()
        app.settings.authRateLimitMax = 2
        let identity = await IdentityFixture(database: app.database, clock: app.clock, settings: app.identitySettings)
        let (_, catalog) = HTTPApplication.buildRouter(settings: app.settings, dependencies: app.dependencies(identity))
        let entries = catalog.limitedEntries
        let limited = entries.map { "\($0.method) \($0.path)" }.sorted()
        #expect(
            limited == [
                "POST /api/v1/auth/cancel-email-change", "POST /api/v1/auth/change-password", "POST /api/v1/auth/forgot-password",
                "POST /api/v1/auth/login", "POST /api/v1/auth/logout", "POST /api/v1/auth/refresh-token", "POST /api/v1/auth/register",
                "POST /api/v1/auth/resend-verification", "POST /api/v1/auth/reset-password", "POST /api/v1/auth/verify-email",
            ])
        // The limit is the route's own: each of them answers 429 on its third request, whatever its handler would say.
        try await app.test { client in
            for entry in entries {
                var statuses: [Int] = []
                for _ in 0..<3 { statuses.append(try await client.send(.post, entry.path, json: "{}").status.code) }
                #expect(statuses[2] == 429, "\(entry.path): \(statuses)")
                #expect(!statuses[..<2].contains(429), "\(entry.path): \(statuses)")
            }
        }
    }
}

@Suite struct HasherOverloadAPITests {
    @Test func aFullHashingQueueIs503WithRetryAfterAndCountsNoFailure() async throws {
        try await TestApp().test { client, identity in
            let data = try await client.register("ada@example.com")
            identity.hasher.refuse(with: .overloaded(retryAfterSeconds: 1))

            let login = try await client.login("ada@example.com", "Wrong1234")
            let register = try await client.send(
                .post, "/api/v1/auth/register", json: #"{"name":"B","email":"b@example.com","password":"Passw0rd!"}"#)

            #expect(login.status == .serviceUnavailable)
            #expect(login.headers[.retryAfter] == "1")
            #expect(login.object["message"] as? String == "Server busy, please retry")
            #expect(register.status == .serviceUnavailable)
            let id = try #require((data["user"] as? [String: Any])?["id"] as? String)
            identity.hasher.refuse(with: nil)
            let admin = try await identity.bearer("root@example.com", role: .admin)
            let shown = try await client.get("/api/v1/users/\(id)", headers: admin)
            #expect((shown.object["data"] as? [String: Any])?["failedLoginAttempts"] as? Int == 0)
        }
    }
}
