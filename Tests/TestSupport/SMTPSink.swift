import Foundation

/// The SMTP server scripts/services/smtp.sh starts for the tests (`PORTSIDE_TEST_SMTP_*`): its listeners, its one
/// account and certificate authority, and what it received, read back from the files it keeps.
public struct SMTPSink: Sendable {
    public let startTLSPort: Int
    public let smtpsPort: Int
    public let openPort: Int
    public let user: String
    public let password: String
    public let authority: String
    public let directory: URL

    public struct Received: Equatable, Sendable {
        public let listener: String
        public let tls: Bool
        public let authUser: String?
        public let mailFrom: String
        public let content: String
    }

    /// The sink of this run, or nil when the test command did not start one.
    public static var fromEnvironment: SMTPSink? {
        let environment = ProcessInfo.processInfo.environment
        guard let directory = environment["PORTSIDE_TEST_SMTP_DIR"], let port = environment["PORTSIDE_TEST_SMTP_PORT"].flatMap(Int.init),
            let smtps = environment["PORTSIDE_TEST_SMTPS_PORT"].flatMap(Int.init),
            let open = environment["PORTSIDE_TEST_SMTP_OPEN_PORT"].flatMap(Int.init),
            let user = environment["PORTSIDE_TEST_SMTP_USER"], let password = environment["PORTSIDE_TEST_SMTP_PASSWORD"],
            let authority = environment["PORTSIDE_TEST_SMTP_CA"]
        else { return nil }
        return SMTPSink(
            startTLSPort: port, smtpsPort: smtps, openPort: open, user: user, password: password, authority: authority,
            directory: URL(fileURLWithPath: directory))
    }

    public var credentials: String { "\(user):\(password)" }

    /// A `MAIL_URL` for the STARTTLS listener at `port` (the sink's own, or a proxy's in front of it).
    public func url(port: Int) -> String {
        "smtp://\(credentials)@127.0.0.1:\(port)?cafile=\(authority)"
    }

    public func startTLSURL() -> String { url(port: startTLSPort) }

    /// The sink answers 421 to MAIL while busy.
    public func setBusy(_ busy: Bool) throws {
        let flag = directory.appendingPathComponent("busy")
        if busy {
            try Data().write(to: flag)
        } else if FileManager.default.fileExists(atPath: flag.path) {
            try FileManager.default.removeItem(at: flag)
        }
    }

    /// Every message received for `recipient`, oldest first.
    public func messages(to recipient: String) throws -> [Received] {
        guard let text = try? String(contentsOf: directory.appendingPathComponent("messages.jsonl"), encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").compactMap { line in
            guard let entry = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                (entry["rcpt_tos"] as? [String])?.contains(recipient) == true, let file = entry["file"] as? String
            else { return nil }
            let path = file.hasPrefix("/") ? URL(fileURLWithPath: file) : directory.appendingPathComponent(file)
            return Received(
                listener: entry["listener"] as? String ?? "", tls: entry["tls"] as? Bool ?? false, authUser: entry["auth_user"] as? String,
                mailFrom: entry["mail_from"] as? String ?? "", content: try String(contentsOf: path, encoding: .utf8))
        }
    }

    /// The last message received for `recipient`, or nil.
    public func received(to recipient: String) throws -> Received? {
        try messages(to: recipient).last
    }
}
