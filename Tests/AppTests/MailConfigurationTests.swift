import Foundation
import Testing

@testable import App

@Suite struct MailConfigurationTests {
    @Test func anSMTPURLIsAcceptedAndShownWithoutItsPassword() throws {
        let configuration = try Configuration.parse(["MAIL_URL": "smtp://mailer:hunter2@smtp.example.com:587"])

        let url = "smtp://mailer:hunter2@smtp.example.com:587"
        #expect(configuration.mail == .smtp(url: Secret(url), description: "smtp://mailer:***@smtp.example.com:587"))
        #expect(configuration.description.contains("MAIL_URL=smtp://mailer:***@smtp.example.com:587"))
        #expect(!configuration.description.contains("hunter2"))
    }

    @Test(arguments: [
        ("smtp://mailer:hunter2@relay?starttls=off", "sends a password, so it needs TLS: remove starttls=off or use smtps://"),
        ("smtps://mailer:hunter2@relay?cafile=/nonexistent/ca.pem", "cafile names a file that cannot be read"),
        ("imap://mailer:hunter2@relay", "must be smtp://..., smtps://..., file:DIRECTORY or memory: (scheme \"imap\" is not supported)"),
    ])
    func aBadMailURLIsReportedWithoutItsPassword(url: String, message: String) {
        let error = #expect(throws: ConfigurationError.self) { try Configuration.parse(["MAIL_URL": url]) }

        #expect(error?.problems == ["MAIL_URL: \(message)"])
        #expect(error?.description.contains("hunter2") == false)
    }
}
