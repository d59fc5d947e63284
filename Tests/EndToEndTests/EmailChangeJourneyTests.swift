import Foundation
import TestSupport
import Testing

/// Secure email change and concealed registration against the built binary: the mail a user reads decides.
@Suite struct EmailChangeJourneyTests {
    @Test func aTakenOverAddressIsPutBackFromTheOldMailboxAndRegistrationTellsNothing() async throws {
        let mailDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("portside-mail-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: mailDirectory) }
        let mail = MailDrop(directory: mailDirectory)
        let environment = [
            "MAIL_URL": "file:\(mailDirectory.path)", "PUBLIC_BASE_URL": "https://app.example.com", "REGISTRATION_CONCEALS_EXISTING": "true",
        ]
        try await LiveServer.with(environment) { server in
            let api = JourneyClient(port: server.port)
            let registration = #"{"name":"Ada","email":"ada@example.com","password":"Passw0rd!"}"#

            // Registration answers alike for a new and a taken address; the mailbox tells the owner.
            let new = try await api.call("POST", "/api/v1/auth/register", registration)
            let taken = try await api.call("POST", "/api/v1/auth/register", registration)
            #expect(new.status == 202 && taken.status == 202)
            #expect(new.json["data"] is NSNull && taken.json["message"] as? String == new.json["message"] as? String)
            let verify = try MailDrop.token(
                in: try await mail.text(to: "ada@example.com", subject: "Confirm your email address"), path: "verify-email")
            _ = try await mail.text(to: "ada@example.com", subject: "Someone tried to register with your email address")
            #expect(try await api.call("POST", "/api/v1/auth/verify-email", #"{"token":"\#(verify)"}"#).status == 200)
            let login = try await api.call("POST", "/api/v1/auth/login", #"{"email":"ada@example.com","password":"Passw0rd!"}"#)
            let access = try #require(((login.json["data"] as? [String: Any])?["tokens"] as? [String: String])?["accessToken"])
            let bearer = "Bearer \(access)"

            // A stolen access token alone cannot change the address; with the password it can, and the owner is told.
            let tokenOnly = try await api.call("PATCH", "/api/v1/users/me", #"{"email":"thief@evil.example"}"#, authorization: bearer)
            #expect(tokenOnly.status == 400)
            let change = #"{"email":"thief@evil.example","currentPassword":"Passw0rd!"}"#
            #expect(try await api.call("PATCH", "/api/v1/users/me", change, authorization: bearer).status == 200)
            let confirm = try MailDrop.token(
                in: try await mail.text(to: "thief@evil.example", subject: "Confirm your email address"), path: "verify-email")
            #expect(try await api.call("POST", "/api/v1/auth/verify-email", #"{"token":"\#(confirm)"}"#).status == 200)
            let notice = try await mail.text(to: "ada@example.com", subject: "Your email address is being changed")
            #expect(notice.contains("thief@evil.example"))

            // The link in the notice still works after the change was confirmed: the address comes back, sessions end.
            let cancel = try MailDrop.token(in: notice, path: "cancel-email-change")
            #expect(try await api.call("POST", "/api/v1/auth/cancel-email-change", #"{"token":"\#(cancel)"}"#).status == 200)
            #expect(try await api.call("GET", "/api/v1/users/me", authorization: bearer).status == 401)
            #expect(try await api.call("POST", "/api/v1/auth/login", #"{"email":"thief@evil.example","password":"Passw0rd!"}"#).status == 401)
            // The password the thief knew is retired; the owner sets a new one from a reset link to the restored address.
            #expect(try await api.call("POST", "/api/v1/auth/login", #"{"email":"ada@example.com","password":"Passw0rd!"}"#).status == 401)
            #expect(try await api.call("POST", "/api/v1/auth/forgot-password", #"{"email":"ada@example.com"}"#).status == 200)
            let reset = try MailDrop.token(in: try await mail.text(to: "ada@example.com", subject: "Reset your password"), path: "reset-password")
            let newPassword = #"{"token":"\#(reset)","newPassword":"N3wPassw0rd"}"#
            #expect(try await api.call("POST", "/api/v1/auth/reset-password", newPassword).status == 200)
            #expect(try await api.call("POST", "/api/v1/auth/login", #"{"email":"ada@example.com","password":"N3wPassw0rd"}"#).status == 200)
        }
    }
}
