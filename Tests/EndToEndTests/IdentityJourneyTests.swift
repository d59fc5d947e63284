import Foundation
import TestSupport
import Testing

/// Where a test reads the mail a user received.
protocol Mailbox: Sendable {
    /// Waits for a message to `address` whose subject is `subject`, and returns its decoded text part.
    func text(to address: String, subject: String, timeout: Double) async throws -> String
}

extension Mailbox {
    func text(to address: String, subject: String) async throws -> String {
        try await text(to: address, subject: subject, timeout: 15)
    }
}

/// The `.eml` files the file mailer writes, read as a user's mail client would.
struct MailDrop: Mailbox {
    let directory: URL

    /// Waits for a message to `address` whose subject is `subject`, and returns its decoded text part.
    func text(to address: String, subject: String, timeout: Double) async throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
            for file in files where file.pathExtension == "eml" {
                let raw = try String(contentsOf: file, encoding: .utf8)
                guard raw.contains("\r\nTo: \(address)\r\n"), raw.contains("Subject: \(subject)\r\n"), let text = Self.textPart(raw) else { continue }
                return text
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestFailure("no mail to \(address) with subject \(subject)")
    }

    /// The base64 body of the `text/plain` part, decoded.
    static func textPart(_ raw: String) -> String? {
        guard let start = raw.range(of: "Content-Type: text/plain; charset=utf-8\r\n") else { return nil }
        let afterHeaders = raw[start.upperBound...].components(separatedBy: "\r\n\r\n").dropFirst().first ?? ""
        let encoded = afterHeaders.components(separatedBy: "\r\n--").first?.replacingOccurrences(of: "\r\n", with: "") ?? ""
        return Data(base64Encoded: encoded).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The token of the link to `path` in `text`.
    static func token(in text: String, path: String) throws -> String {
        guard let range = text.range(of: "https://app.example.com/\(path)?token=") else { throw TestFailure("no \(path) link in mail") }
        return String(text[range.upperBound...].prefix { !$0.isWhitespace })
    }
}

@Suite struct IdentityJourneyTests {
    enum Database: String, CaseIterable, Sendable {
        case sqlite, postgres
    }

    @Test(arguments: Database.allCases)
    func aNewUsersWholeJourneyOverTheWire(database: Database) async throws {
        let mailDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("portside-mail-\(UUID().uuidString)")
        let mail = MailDrop(directory: mailDirectory)
        var environment = [
            "MAIL_URL": "file:\(mailDirectory.path)", "PUBLIC_BASE_URL": "https://app.example.com", "REQUIRE_EMAIL_VERIFICATION": "true",
        ]
        var postgresURL: String?
        if database == .postgres {
            postgresURL = try PostgresTestDatabase.create()
            guard let postgresURL else {
                if PostgresTestDatabase.isRequired {
                    Issue.record("PORTSIDE_TEST_POSTGRES_URL is not set under CI")
                } else {
                    print(PostgresTestDatabase.skipMessage)
                }
                return
            }
            environment["DATABASE_URL"] = postgresURL
        }
        defer { if let postgresURL { PostgresTestDatabase.drop(postgresURL) } }
        try await LiveServer.with(environment) { server in
            try await Self.journey(JourneyClient(port: server.port), mail: mail, email: "ada@example.com")
        }
    }

    /// A user's whole journey: register, verify from the mail, sign in, refresh, edit, write examples, reset the
    /// password from the mail, and see the old password and sessions die.
    static func journey(_ api: JourneyClient, mail: some Mailbox, email: String) async throws {
        let registered = try await api.call("POST", "/api/v1/auth/register", #"{"name":"Ada","email":"\#(email)","password":"Passw0rd!"}"#)
        #expect(registered.status == 201)
        let verification = try await mail.text(to: email, subject: "Confirm your email address")
        let verifyToken = try MailDrop.token(in: verification, path: "verify-email")
        #expect(try await api.call("POST", "/api/v1/auth/verify-email", #"{"token":"\#(verifyToken)"}"#).status == 200)

        let login = try await api.call("POST", "/api/v1/auth/login", #"{"email":"\#(email)","password":"Passw0rd!"}"#)
        #expect(login.status == 200)
        var tokens = try #require((login.json["data"] as? [String: Any])?["tokens"] as? [String: String])
        var bearer = "Bearer \(tokens["accessToken"] ?? "")"
        let profile = try await api.call("GET", "/api/v1/auth/profile", authorization: bearer)
        #expect(((profile.json["data"] as? [String: Any])?["user"] as? [String: Any])?["emailVerified"] as? Bool == true)

        let refreshed = try await api.call("POST", "/api/v1/auth/refresh-token", #"{"refreshToken":"\#(tokens["refreshToken"] ?? "")"}"#)
        #expect(refreshed.status == 200)
        tokens = try #require(refreshed.json["data"] as? [String: String])
        bearer = "Bearer \(tokens["accessToken"] ?? "")"
        let renamed = try await api.call("PATCH", "/api/v1/users/me", #"{"name":"Ada Lovelace"}"#, authorization: bearer)
        #expect((renamed.json["data"] as? [String: Any])?["name"] as? String == "Ada Lovelace")

        let created = try await api.call("POST", "/api/v1/examples", #"{"name":"Engine"}"#, authorization: bearer)
        #expect(created.status == 201)
        let exampleID = try #require((created.json["data"] as? [String: Any])?["id"] as? String)
        let listed = try await api.call("GET", "/api/v1/examples")
        #expect((listed.json["data"] as? [[String: Any]])?.map { $0["id"] as? String } == [exampleID])
        let changed = try await api.call("PUT", "/api/v1/examples/\(exampleID)", #"{"name":"Analytical Engine"}"#, authorization: bearer)
        #expect(changed.status == 200)
        #expect(try await api.call("DELETE", "/api/v1/examples/\(exampleID)", authorization: bearer).status == 200)

        #expect(try await api.call("POST", "/api/v1/auth/forgot-password", #"{"email":"\#(email)"}"#).status == 200)
        let resetMail = try await mail.text(to: email, subject: "Reset your password")
        let resetToken = try MailDrop.token(in: resetMail, path: "reset-password")
        let reset = try await api.call("POST", "/api/v1/auth/reset-password", #"{"token":"\#(resetToken)","newPassword":"N3wPassword"}"#)
        #expect(reset.status == 200)

        let old = try await api.call("POST", "/api/v1/auth/login", #"{"email":"\#(email)","password":"Passw0rd!"}"#)
        #expect(old.status == 401)
        let new = try await api.call("POST", "/api/v1/auth/login", #"{"email":"\#(email)","password":"N3wPassword"}"#)
        #expect(new.status == 200)
        let newRefresh = try #require(((new.json["data"] as? [String: Any])?["tokens"] as? [String: String])?["refreshToken"])
        #expect(try await api.call("POST", "/api/v1/auth/logout", #"{"refreshToken":"\#(newRefresh)"}"#).status == 200)
        #expect(try await api.call("POST", "/api/v1/auth/refresh-token", #"{"refreshToken":"\#(newRefresh)"}"#).status == 401)
        // The reset ended the session that was signed in before it.
        #expect(try await api.call("GET", "/api/v1/users/me", authorization: bearer).status == 401)
    }
}

struct JourneyClient: Sendable {
    let port: Int

    func call(_ method: String, _ path: String, _ body: String? = nil, authorization: String? = nil) async throws -> RawResponse {
        var headers: [String: String] = ["User-Agent": "JourneyTest/1.0"]
        if let authorization { headers["Authorization"] = authorization }
        return try await RawConnection.request(port: port, method, path, headers: headers, body: body)
    }
}
