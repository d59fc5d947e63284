import Foundation

/// Normalises and checks the account fields clients send: names, email addresses and passwords.
enum AccountInput {
    static let nameLength = 1...100
    static let emailMaximumLength = 254

    /// The trimmed name, or the problem with it.
    static func name(_ field: Field<String>, required: Bool, problems: inout [FieldError]) -> String? {
        switch field {
        case .absent:
            if required { problems.append(FieldError(field: "name", message: "name is required")) }
        case .invalid(let message):
            problems.append(FieldError(field: "name", message: message))
        case .value(let raw):
            let trimmed = raw.trimmingWhitespace()
            if !nameLength.contains(trimmed.count) {
                problems.append(FieldError(field: "name", message: "name must be between 1 and 100 characters"))
            } else if trimmed.containsControlCharacters(allowingLineBreaks: false) {
                problems.append(FieldError(field: "name", message: "name must not contain control characters"))
            } else {
                return trimmed
            }
        }
        return nil
    }

    /// The normalised (trimmed, lower-cased) address, or the problem with it.
    static func email(_ field: Field<String>, name: String = "email", required: Bool, problems: inout [FieldError]) -> String? {
        switch field {
        case .absent:
            if required { problems.append(FieldError(field: name, message: "\(name) is required")) }
        case .invalid(let message):
            problems.append(FieldError(field: name, message: message))
        case .value(let raw):
            if let email = normalisedEmail(raw) { return email }
            problems.append(FieldError(field: name, message: "\(name) must be a valid email address"))
        }
        return nil
    }

    /// A deliberately plain check: one `@`, a non-empty local part of at most 64 characters, a dotted domain, no
    /// spaces, quotes, angle brackets or control characters, at most 254 characters in all.
    static func normalisedEmail(_ raw: String) -> String? {
        let email = raw.trimmingWhitespace().lowercased()
        guard email.count <= emailMaximumLength else { return nil }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let local = parts.first, let domain = parts.last else { return nil }
        guard (1...64).contains(local.count), domain.count >= 3, domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix("."),
            !domain.contains("..")
        else { return nil }
        let forbidden: Set<Unicode.Scalar> = [" ", "\"", "<", ">", "(", ")", ",", ";", ":", "\\", "[", "]"]
        let valid = email.unicodeScalars.allSatisfy { scalar in
            !forbidden.contains(scalar) && scalar.properties.generalCategory != .control && !scalar.properties.isWhitespace
        }
        return valid ? email : nil
    }

    /// The password exactly as sent (never trimmed or altered), or the problem with it.
    static func password(_ field: Field<String>, name: String, policy: PasswordPolicy?, problems: inout [FieldError]) -> String? {
        switch field {
        case .absent:
            problems.append(FieldError(field: name, message: "\(name) is required"))
        case .invalid(let message):
            problems.append(FieldError(field: name, message: message))
        case .value(let password):
            guard let policy else {
                // Checking an existing password: only refuse what can never be one.
                if password.isEmpty || password.count > 1024 {
                    problems.append(FieldError(field: name, message: "\(name) is required"))
                    return nil
                }
                return password
            }
            let found = policy.problems(with: password, field: name)
            if found.isEmpty { return password }
            problems.append(contentsOf: found)
        }
        return nil
    }

    /// A required opaque token (refresh, verification, reset), or the problem with it.
    static func token(_ field: Field<String>, name: String, problems: inout [FieldError]) -> String? {
        switch field {
        case .absent:
            problems.append(FieldError(field: name, message: "\(name) is required"))
        case .invalid(let message):
            problems.append(FieldError(field: name, message: message))
        case .value(let token):
            if token.isEmpty || token.count > 512 {
                problems.append(FieldError(field: name, message: "\(name) is required"))
            } else {
                return token
            }
        }
        return nil
    }

    /// Rejects fields a request may not carry, naming each.
    static func rejectUnknown(_ fields: [String], problems: inout [FieldError]) {
        problems.append(contentsOf: fields.sorted().map { FieldError(field: $0, message: "\($0) is not an allowed field") })
    }
}

/// Compares two strings in time that depends only on their lengths, never on where they first differ.
public func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
    let left = Array(lhs.utf8)
    let right = Array(rhs.utf8)
    guard left.count == right.count else { return false }
    var difference: UInt8 = 0
    for index in left.indices { difference |= left[index] ^ right[index] }
    return difference == 0
}
