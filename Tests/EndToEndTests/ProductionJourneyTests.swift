import Foundation
import TestSupport
import Testing

/// The mail an SMTP server received (the sink of scripts/services/smtp.sh), read from the files it keeps.
struct SMTPMailbox: Mailbox {
    let sink: SMTPSink

    func text(to address: String, subject: String, timeout: Double) async throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            for message in (try? sink.messages(to: address).reversed()) ?? []
            where message.content.contains("Subject: \(subject)\r\n") {
                if let text = MailDrop.textPart(message.content) { return text }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("the SMTP server received no mail to \(address) with subject \(subject)")
    }
}

/// The identity journey on the production topology: `portside serve` and a separate `portside worker`, on PostgreSQL,
/// Redis and SMTP, with the tokens read from the mail the SMTP server received.
@Suite(.serialized) struct ProductionJourneyTests {
    @Test func aNewUsersWholeJourneyOnPostgresRedisAWorkerProcessAndSMTP() async throws {
        guard BinaryTests.requireBinary(), let redis = WorkerProcessTests.redisURL(), let sink = WorkerProcessTests.smtpSink() else { return }
        guard let database = try PostgresTestDatabase.create() else {
            if PostgresTestDatabase.isRequired {
                Issue.record("PORTSIDE_TEST_POSTGRES_URL is not set under CI")
            } else {
                print(PostgresTestDatabase.skipMessage)
            }
            return
        }
        defer { PostgresTestDatabase.drop(database) }
        let port = try freePort()
        let environment = LiveServer.environment(
            databasePath: temporaryDatabasePath(),
            [
                "PORT": "\(port)", "DATABASE_URL": database, "REDIS_URL": redis, "REDIS_KEY_PREFIX": RedisTestEnvironment.freshPrefix(),
                "WORKER_MODE": "off", "MAIL_URL": sink.startTLSURL(), "MAIL_FROM": "Portside <no-reply@portside.example>",
                "PUBLIC_BASE_URL": "https://app.example.com", "REQUIRE_EMAIL_VERIFICATION": "true", "AUTH_RATE_LIMIT_MAX": "100",
            ])
        let serve = try BinaryTests.launch(["serve"], environment: environment, output: Pipe())
        defer { if serve.isRunning { serve.terminate() } }
        try await WorkerProcessTests.waitUntilLive(port: port)
        let worker = try BinaryTests.launch(["worker"], environment: environment, output: Pipe())
        defer { if worker.isRunning { worker.terminate() } }

        let email = "ada-\(UUID().uuidString.prefix(8).lowercased())@example.com"
        try await IdentityJourneyTests.journey(JourneyClient(port: port), mail: SMTPMailbox(sink: sink), email: email)

        kill(worker.processIdentifier, SIGTERM)
        kill(serve.processIdentifier, SIGTERM)
        let stopped = try await withTimeout(30) {
            while worker.isRunning || serve.isRunning { try await Task.sleep(for: .milliseconds(100)) }
            return true
        }
        #expect(stopped)
        #expect(worker.terminationStatus == 0)
        #expect(serve.terminationStatus == 0)
    }
}
