import Domain
import Foundation
import NIOPosix

/// The `Mailer` selected by `MAIL_URL=file:DIR`: each message becomes one `.eml` file (RFC 5322) in the directory,
/// named after its id, so development needs no mail server and a redelivered message overwrites nothing.
public struct FileMailer: Mailer {
    private let directory: URL
    private let from: String
    private let clock: any WallClock
    private let threadPool: NIOThreadPool

    /// `threadPool` runs the file writes (blocking I/O never runs on the cooperative pool or an event loop).
    public init(directory: String, from: String, clock: any WallClock, threadPool: NIOThreadPool = .singleton) {
        self.directory = URL(fileURLWithPath: directory)
        self.from = from
        self.clock = clock
        self.threadPool = threadPool
    }

    /// The file a message is written to.
    public func file(for message: EmailMessage) -> URL {
        directory.appendingPathComponent("\(message.id.uuidString.lowercased()).eml")
    }

    public func send(_ message: EmailMessage) async throws {
        let rendered = try MIMEMessage.render(message, from: from, date: clock.now())
        let target = file(for: message)
        let directory = directory
        try await threadPool.runIfActive {
            if FileManager.default.fileExists(atPath: target.path) { return }
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            // Written whole, then renamed: a reader never sees half a message.
            try Data(rendered.utf8).write(to: target, options: .atomic)
        }
    }
}
