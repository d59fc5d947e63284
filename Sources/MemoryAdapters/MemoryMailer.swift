import Domain

/// A `Mailer` that keeps what it is given, for tests: `sent` lists each distinct message once, in order.
public actor MemoryMailer: Mailer {
    public private(set) var sent: [EmailMessage] = []

    public init() {}

    public func send(_ message: EmailMessage) {
        guard !sent.contains(where: { $0.id == message.id }) else { return }
        sent.append(message)
    }
}
