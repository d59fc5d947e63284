import Foundation

/// An email to one recipient, with a plain-text and an HTML body.
public struct EmailMessage: Sendable, Equatable {
    /// Identifies the message: its Message-ID, and how a retried delivery is recognised.
    public let id: UUID
    public let to: String
    public let subject: String
    public let text: String
    public let html: String

    public init(id: UUID, to: String, subject: String, text: String, html: String) {
        self.id = id
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
    }
}

/// Delivers email (SMTP in production, `.eml` files in development, memory in tests).
public protocol Mailer: Sendable {
    /// Delivers `message`. Delivering a message with the same id again is harmless: jobs run at least once.
    func send(_ message: EmailMessage) async throws
}
