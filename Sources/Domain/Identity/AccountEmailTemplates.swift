import Foundation

/// The text and HTML of every account email. Names and addresses are escaped in HTML; links are built by the
/// caller from PUBLIC_BASE_URL only.
enum AccountEmailTemplates {
    static func verification(id: UUID, to: String, name: String, link: String) -> EmailMessage {
        message(
            id: id, to: to, subject: "Confirm your email address", name: name,
            paragraphs: ["Please confirm that this is your email address by opening the link below. The link works once."],
            link: link, closing: "If you did not ask for this, you can ignore this email."
        )
    }

    static func passwordReset(id: UUID, to: String, name: String, link: String) -> EmailMessage {
        message(
            id: id, to: to, subject: "Reset your password", name: name,
            paragraphs: ["Someone asked to reset the password of your account. Open the link below to choose a new one. The link works once."],
            link: link, closing: "If you did not ask for this, ignore this email: your password stays as it is."
        )
    }

    static func passwordChanged(id: UUID, to: String, name: String) -> EmailMessage {
        message(
            id: id, to: to, subject: "Your password was changed", name: name,
            paragraphs: ["The password of your account was just changed, and your other sessions were signed out."],
            link: nil, closing: "If this was not you, reset your password at once and contact support."
        )
    }

    static func emailChanged(id: UUID, to: String, name: String, newEmail: String) -> EmailMessage {
        message(
            id: id, to: to, subject: "Your email address was changed", name: name,
            paragraphs: ["The email address of your account was changed to \(newEmail). This address no longer signs in."],
            link: nil,
            closing: "If this was not you, open the link in the email sent here when the change was asked for: it puts this address "
                + "back and signs every session out."
        )
    }

    static func emailChangeRequested(id: UUID, to: String, name: String, newEmail: String, link: String, window: TimeInterval) -> EmailMessage {
        message(
            id: id, to: to, subject: "Your email address is being changed", name: name,
            paragraphs: [
                "Someone signed in to your account asked to change its email address to \(newEmail). Once a link sent there is "
                    + "followed, this address no longer signs in.",
                "If this was not you, open the link below within \(describe(window)): it keeps this address (or puts it back if the "
                    + "change was already made), signs every session out and retires your password. Then choose a new one with "
                    + "\"Forgot password\": the link comes to this address.",
            ],
            link: link, closing: "If you asked for this change, you need do nothing."
        )
    }

    static func addressInUse(id: UUID, to: String, name: String) -> EmailMessage {
        message(
            id: id, to: to, subject: "Someone tried to use your email address", name: name,
            paragraphs: [
                "Someone asked to make this address the email of another account. It already belongs to your account, so nothing "
                    + "was changed."
            ],
            link: nil, closing: "If this was you, you can sign in with this address as usual. Otherwise you need do nothing."
        )
    }

    static func registrationAttempt(id: UUID, to: String, name: String) -> EmailMessage {
        message(
            id: id, to: to, subject: "Someone tried to register with your email address", name: name,
            paragraphs: [
                "Someone tried to register a new account with this address. It already belongs to your account, so no account was "
                    + "created."
            ],
            link: nil, closing: "If this was you, sign in, or reset your password if you have forgotten it. Otherwise you need do nothing."
        )
    }

    /// A lifetime in words: whole days, else hours, else minutes.
    static func describe(_ interval: TimeInterval) -> String {
        let minutes = max(1, Int(interval / 60))
        func plural(_ count: Int, _ unit: String) -> String { "\(count) \(unit)\(count == 1 ? "" : "s")" }
        if minutes % 1440 == 0 { return plural(minutes / 1440, "day") }
        if minutes % 60 == 0 { return plural(minutes / 60, "hour") }
        return plural(minutes, "minute")
    }

    private static func message(id: UUID, to: String, subject: String, name: String, paragraphs: [String], link: String?, closing: String)
        -> EmailMessage
    {
        var text = "Hello \(name),\n\n" + paragraphs.joined(separator: "\n\n") + "\n\n"
        if let link { text += "\(link)\n\n" }
        text += closing + "\n"
        var html = "<!doctype html><html><body><p>Hello \(escape(name)),</p>"
        html += paragraphs.map { "<p>\(escape($0))</p>" }.joined()
        if let link { html += "<p><a href=\"\(escape(link))\">\(escape(link))</a></p>" }
        html += "<p>\(escape(closing))</p></body></html>"
        return EmailMessage(id: id, to: to, subject: subject, text: text, html: html)
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
