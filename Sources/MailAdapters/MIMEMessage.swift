import Domain
import Foundation

/// A header value that would let a caller add headers of its own (a line break) is refused.
public struct HeaderInjectionError: Error, CustomStringConvertible {
    public let header: String

    public var description: String { "the \(header) header must not contain line breaks" }
}

/// Renders an `EmailMessage` as an RFC 5322 message with a `multipart/alternative` body (text, then HTML), each
/// part base64-encoded in 76-character lines so any content survives any transport.
public enum MIMEMessage {
    public static func render(_ message: EmailMessage, from: String, date: Date, domain: String = "portside.local") throws -> String {
        // By scalar: "\r\n" is a single Character in Swift, so a Character comparison would miss it.
        for (header, value) in [("From", from), ("To", message.to), ("Subject", message.subject)]
        where value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) {
            throw HeaderInjectionError(header: header)
        }
        let id = message.id.uuidString.lowercased()
        let boundary = "portside-\(id)"
        var lines = [
            "From: \(from)",
            "To: \(message.to)",
            "Subject: \(encodedWord(message.subject))",
            "Date: \(rfc5322Date(date))",
            "Message-ID: <\(id)@\(domain)>",
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative;",
            " boundary=\"\(boundary)\"",
            "",
        ]
        for (type, body) in [("text/plain", message.text), ("text/html", message.html)] {
            lines += [
                "--\(boundary)",
                "Content-Type: \(type); charset=utf-8",
                "Content-Transfer-Encoding: base64",
                "",
            ]
            lines += base64Lines(body)
        }
        lines += ["--\(boundary)--", ""]
        return lines.joined(separator: "\r\n")
    }

    /// Short ASCII text as is; anything else as RFC 2047 encoded words of at most 42 bytes each (68 characters
    /// encoded), folded onto continuation lines so no line passes 78 characters.
    static func encodedWord(_ text: String) -> String {
        if !text.unicodeScalars.contains(where: { !$0.isASCII }), text.utf8.count <= 60 { return text }
        var words: [String] = []
        var chunk = ""
        for scalar in text.unicodeScalars {
            if chunk.utf8.count + String(scalar).utf8.count > 42 {
                words.append(chunk)
                chunk = ""
            }
            chunk.unicodeScalars.append(scalar)
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?utf-8?B?\(Data($0.utf8).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }

    static func base64Lines(_ text: String) -> [String] {
        let encoded = Data(text.utf8).base64EncodedString()
        return stride(from: 0, to: encoded.count, by: 76).map { offset in
            let start = encoded.index(encoded.startIndex, offsetBy: offset)
            let end = encoded.index(start, offsetBy: min(76, encoded.count - offset))
            return String(encoded[start..<end])
        }
    }

    /// `Tue, 25 Nov 2026 21:00:00 +0000`.
    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
