import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Synchronization
import TestSupport
import Testing

@Suite struct SecretsInLogsTests {
    @Test func passwordsTokensAndAuthorizationHeadersNeverReachTheLogs() async throws {
        let capture = LogCapture()
        let secrets = Mutex<[String]>(["Passw0rd!", "N3wPassword", "Wrong1234"])
        try await TestApp().test(logger: capture.logger()) { client, identity in
            let data = try await client.register("ada@example.com")
            _ = try await client.login("ada@example.com", "Wrong1234")
            let refreshed = try await client.send(.post, "/api/v1/auth/refresh-token", json: #"{"refreshToken":"\#(data.refreshToken)"}"#)
            _ = try await client.send(.post, "/api/v1/auth/refresh-token", json: #"{"refreshToken":"\#(data.refreshToken)"}"#)
            _ = try await client.get("/api/v1/auth/profile", headers: data.bearer)
            _ = try await client.send(.post, "/api/v1/auth/forgot-password", json: #"{"email":"ada@example.com"}"#)
            let reset = try #require(try await identity.token(sentTo: "ada@example.com", path: "reset-password"))
            let verify = try #require(try await identity.token(sentTo: "ada@example.com", path: "verify-email"))
            _ = try await client.send(.post, "/api/v1/auth/verify-email", json: #"{"token":"\#(verify)"}"#)
            _ = try await client.send(.post, "/api/v1/auth/reset-password", json: #"{"token":"\#(reset)","newPassword":"N3wPassword"}"#)
            _ = try await client.send(.post, "/api/v1/auth/reset-password", json: #"{"token":"\#(reset)","newPassword":"N3wPassword"}"#)
            let rotated = (refreshed.object["data"] as? [String: Any])?["refreshToken"] as? String ?? ""
            secrets.withLock { $0 += [data.accessToken, data.refreshToken, rotated, reset, verify] }
        }

        let lines = capture.all
        #expect(!lines.isEmpty)
        for secret in secrets.withLock({ $0 }) where !secret.isEmpty {
            #expect(!lines.contains { $0.contains(secret) }, "a secret was logged")
        }
        #expect(!lines.contains { $0.lowercased().contains("bearer ") })
    }
}
