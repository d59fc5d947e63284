import Domain
import Foundation
import MailAdapters
import MemoryAdapters
import TestSupport
import Testing

@Suite struct MailerTests {
    let clock = TestClock(Date(timeIntervalSince1970: 1_764_100_000))

    static func message(_ number: Int = 1, subject: String = "Verify your email", to: String = "ada@example.com") -> EmailMessage {
        EmailMessage(
            id: UUID(uuidString: String(format: "00000000-0000-7000-8000-%012x", number))!,
            to: to,
            subject: subject,
            text: "Open https://portside.example/verify-email?token=abc to verify.\nThanks!",
            html: "<p>Open <a href=\"https://portside.example/verify-email?token=abc\">this link</a> to verify.</p>"
        )
    }

    /// Parses an .eml with Python's standard `email` package, an implementation Portside did not write.
    static func parsedByPython(_ eml: String) throws -> [String: String] {
        let script = """
            import email, json, sys
            from email import policy
            m = email.message_from_string(sys.stdin.read(), policy=policy.default)
            parts = {p.get_content_type(): p.get_content() for p in m.iter_parts()}
            print(json.dumps({"subject": m["subject"], "to": m["to"], "from": m["from"], "date": m["date"],
                              "id": m["message-id"], "type": m.get_content_type(),
                              "text": parts.get("text/plain", ""), "html": parts.get("text/html", "")}))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(eml.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (try JSONSerialization.jsonObject(with: data) as? [String: String]) ?? [:]
    }

    @Test func aRenderedMessageIsReadBackWhole() throws {
        let eml = try MIMEMessage.render(Self.message(), from: "Portside <no-reply@portside.example>", date: clock.now())
        let parsed = try Self.parsedByPython(eml)

        #expect(parsed["type"] == "multipart/alternative")
        #expect(parsed["subject"] == "Verify your email")
        #expect(parsed["to"] == "ada@example.com")
        #expect(parsed["from"] == "Portside <no-reply@portside.example>")
        #expect(parsed["id"] == "<00000000-0000-7000-8000-000000000001@portside.local>")
        #expect(parsed["date"] == "Tue, 25 Nov 2025 19:46:40 +0000")
        #expect(parsed["text"]?.trimmingCharacters(in: .newlines) == Self.message().text)
        #expect(parsed["html"]?.trimmingCharacters(in: .newlines) == Self.message().html)
    }

    @Test func everyLineEndsInCRLFAndFitsTheLimit() throws {
        let long = EmailMessage(id: UUID(), to: "a@example.com", subject: "s", text: String(repeating: "word ", count: 400), html: "<p></p>")
        let eml = try MIMEMessage.render(long, from: "p@example.com", date: clock.now())
        let lines = eml.components(separatedBy: "\r\n")
        #expect(!eml.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
    }

    @Test func aLongSubjectIsFoldedAndReadsBack() throws {
        let subject = String(repeating: "Ünïcödé and plain words ", count: 8).trimmingCharacters(in: .whitespaces)
        let eml = try MIMEMessage.render(Self.message(subject: subject), from: "p@example.com", date: clock.now())
        #expect(eml.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })
        #expect(try Self.parsedByPython(eml)["subject"] == subject)
    }

    @Test func aNonASCIISubjectIsEncodedAndReadsBack() throws {
        let eml = try MIMEMessage.render(Self.message(subject: "Vérifiez votre adresse ✉️"), from: "p@example.com", date: clock.now())
        #expect(eml.contains("Subject: =?utf-8?B?"))
        #expect(try Self.parsedByPython(eml)["subject"] == "Vérifiez votre adresse ✉️")
    }

    @Test(arguments: [
        ("to", "ada@example.com\r\nBcc: everyone@example.com"),
        ("subject", "Hello\nBcc: everyone@example.com"),
    ])
    func lineBreaksInHeadersAreRefused(field: String, value: String) {
        let message = field == "to" ? Self.message(to: value) : Self.message(subject: value)
        #expect(throws: HeaderInjectionError.self) { try MIMEMessage.render(message, from: "p@example.com", date: clock.now()) }
    }

    @Test func theFileMailerWritesOneEmlPerMessageOnce() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("portside-mail-\(UUID().uuidString)")
        let mailer = FileMailer(directory: directory.path, from: "p@example.com", clock: clock)

        try await mailer.send(Self.message(1))
        try await mailer.send(Self.message(2, subject: "Reset your password"))
        try await mailer.send(Self.message(1, subject: "A retried delivery"))

        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(files == ["00000000-0000-7000-8000-000000000001.eml", "00000000-0000-7000-8000-000000000002.eml"])
        let first = try String(contentsOf: mailer.file(for: Self.message(1)), encoding: .utf8)
        #expect(try Self.parsedByPython(first)["subject"] == "Verify your email")
    }

    @Test func theMemoryMailerKeepsEachMessageOnce() async throws {
        let mailer = MemoryMailer()
        try await mailer.send(Self.message(1))
        try await mailer.send(Self.message(1))
        try await mailer.send(Self.message(2))
        #expect(await mailer.sent.map(\.id) == [Self.message(1).id, Self.message(2).id])
    }
}
