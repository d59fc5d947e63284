import Domain
import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// The `Mailer` selected by `MAIL_URL=smtp://...` or `smtps://...`: one SMTP conversation per message over SwiftNIO,
/// encrypted with NIOSSL (STARTTLS, required unless switched off, or TLS from the first byte), with AUTH PLAIN or
/// LOGIN when the URL has credentials.
///
/// A 4xx reply, a timeout or a lost connection throws an ordinary error, so the job is retried after its backoff; a
/// 5xx reply throws `PermanentJobFailure` with the server's reply, so the job goes straight to the dead-letter
/// queue.
public struct SMTPMailer: Mailer {
    private let url: SMTPURL
    private let from: String
    private let clock: any WallClock
    private let connectTimeout: Duration
    private let commandTimeout: Duration
    private let tls: NIOSSLContext?

    /// - Parameters:
    ///   - from: The `From` header, such as `Portside <no-reply@example.com>`; its address is the envelope sender.
    ///   - commandTimeout: How long each reply may take (the end of `DATA` included).
    public init(url: SMTPURL, from: String, clock: any WallClock, connectTimeout: Duration = .seconds(10), commandTimeout: Duration = .seconds(30))
        throws
    {
        self.url = url
        self.from = from
        self.clock = clock
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        if url.security == .none {
            tls = nil
        } else {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.minimumTLSVersion = .tlsv12
            if let path = url.certificateAuthorityPath { configuration.trustRoots = .file(path) }
            tls = try NIOSSLContext(configuration: configuration)
        }
    }

    public func send(_ message: EmailMessage) async throws {
        let rendered = try MIMEMessage.render(message, from: from, date: clock.now())
        do {
            try await deliver(rendered, to: message.to)
        } catch SMTPError.permanent(let reply) {
            throw PermanentJobFailure("the SMTP server refused the message for good: \(reply)")
        }
    }

    private func deliver(_ rendered: String, to recipient: String) async throws {
        let sender = Self.address(in: from)
        for address in [sender, recipient] where address.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "<" || $0 == ">" }) {
            throw PermanentJobFailure("the address \(address) cannot be used in an SMTP envelope")
        }
        let connection = try await SMTPConnection.connect(
            host: url.host, port: url.port, tls: url.security == .implicitTLS ? tls : nil, connectTimeout: connectTimeout,
            commandTimeout: commandTimeout)
        do {
            _ = try SMTPConnection.check(try await connection.reply(), accepted: 220...220)
            let name = Self.heloName(sender)
            var capabilities = try await connection.command("EHLO \(name)", expecting: 250...250).lines
            if url.security == .startTLS, let tls {
                guard capabilities.contains(where: { $0.uppercased() == "STARTTLS" }) else {
                    throw SMTPError.connection(
                        "the server does not offer STARTTLS, which smtp:// requires (set starttls=off to send in clear); it offers "
                            + capabilities.dropFirst().joined(separator: ", "))
                }
                try await connection.command("STARTTLS", expecting: 220...220)
                try await connection.startTLS(tls, host: url.host)
                capabilities = try await connection.command("EHLO \(name)", expecting: 250...250).lines
            }
            if let username = url.username {
                try await authenticate(connection, username: username, password: url.password ?? "", capabilities: capabilities)
            }
            try await connection.command("MAIL FROM:<\(sender)>", expecting: 250...250)
            try await connection.command("RCPT TO:<\(recipient)>", expecting: 250...251)
            try await connection.command("DATA", expecting: 354...354)
            try await connection.write(Self.dotStuffed(rendered) + ".\r\n")
            _ = try SMTPConnection.check(try await connection.reply(), accepted: 250...250)
            // The message is accepted; a failed goodbye changes nothing.
            _ = try? await connection.command("QUIT")
            await connection.close()
        } catch {
            await connection.close()
            throw error
        }
    }

    private func authenticate(_ connection: SMTPConnection, username: String, password: String, capabilities: [String]) async throws {
        let mechanisms = Set(
            capabilities.filter { $0.uppercased().hasPrefix("AUTH") }.flatMap { $0.uppercased().split(separator: " ").dropFirst().map(String.init) })
        if mechanisms.contains("PLAIN") || mechanisms.isEmpty {
            let credentials = Data("\u{0}\(username)\u{0}\(password)".utf8).base64EncodedString()
            try await connection.command("AUTH PLAIN \(credentials)", expecting: 235...235)
        } else if mechanisms.contains("LOGIN") {
            try await connection.command("AUTH LOGIN", expecting: 334...334)
            try await connection.command(Data(username.utf8).base64EncodedString(), expecting: 334...334)
            try await connection.command(Data(password.utf8).base64EncodedString(), expecting: 235...235)
        } else {
            throw PermanentJobFailure(
                "the SMTP server offers neither AUTH PLAIN nor AUTH LOGIN (it offers \(mechanisms.sorted().joined(separator: ", ")))")
        }
    }

    /// The message with every line that starts with "." given one more (RFC 5321 §4.5.2), ending in CRLF.
    static func dotStuffed(_ message: String) -> String {
        var lines = message.components(separatedBy: "\r\n")
        if lines.last == "" { lines.removeLast() }
        return lines.map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n") + "\r\n"
    }

    /// The address in a `From` value: `Name <a@b>` gives `a@b`; a bare address is itself.
    static func address(in from: String) -> String {
        guard let open = from.lastIndex(of: "<"), let close = from.lastIndex(of: ">"), open < close else {
            return from.trimmingCharacters(in: .whitespaces)
        }
        return String(from[from.index(after: open)..<close])
    }

    /// The name Portside gives itself in EHLO: the sender's domain, a fully qualified name most servers accept.
    static func heloName(_ sender: String) -> String {
        guard let at = sender.lastIndex(of: "@") else { return "localhost" }
        let domain = sender[sender.index(after: at)...]
        return domain.isEmpty ? "localhost" : String(domain)
    }
}
