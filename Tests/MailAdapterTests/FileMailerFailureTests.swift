import Domain
import Foundation
import MailAdapters
import MemoryAdapters
import TestSupport
import Testing

/// A handler that sends one fixed message through `mailer`, as the account emails do.
private struct SendingHandler: JobHandler {
    let mailer: any Mailer
    var kinds: Set<String> { ["email.test"] }

    func run(_ job: Job) async throws {
        try await mailer.send(MailerTests.message(1))
    }
}

/// The file mailer when its directory cannot be written (a full or read-only disk, a path taken by a file): the
/// job fails and is retried, nothing crashes, and the mail is written once the directory works again.
@Suite struct FileMailerFailureTests {
    @Test func aMailDirectoryThatCannotBeWrittenFailsTheJobWhichIsRetriedAndSucceedsOnceItCan() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("portside-unwritable-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let directory = root.appendingPathComponent("mail")
        // A file where the directory should be: every write into it fails, whoever runs the test (root included).
        try Data("not a directory".utf8).write(to: directory)
        let clock = TestClock()
        let mailer = FileMailer(directory: directory.path, from: "Portside <no-reply@portside.example>", clock: clock)
        let queue = MemoryJobQueue()
        let runner = JobRunner(
            queue: queue, handlers: [SendingHandler(mailer: mailer)], retryPolicy: RetryPolicy(maximumAttempts: 5, baseDelay: 1), clock: clock,
            jitter: { 0 })
        await queue.enqueue(JobRequest(id: UUID(), queue: "email", kind: "email.test", payload: [:]), now: clock.now())

        let failed = try await runner.runNext(from: "email", lease: 30)
        let afterFailure = await queue.counts(now: clock.now())["email"]
        try FileManager.default.removeItem(at: directory)
        clock.advance(by: 5)
        let retried = try await runner.runNext(from: "email", lease: 30)

        #expect(failed == .retried)
        #expect(afterFailure?.delayed == 1)
        #expect(retried == .completed)
        #expect(FileManager.default.fileExists(atPath: mailer.file(for: MailerTests.message(1)).path))
    }
}
