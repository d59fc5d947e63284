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
            if trimmed.isEmpty || raw.unicodeScalars.count > nameLength.upperBound {
                problems.append(FieldError(field: "name", message: "name must be between 1 and 100 characters"))
            } else if trimmed.containsControlCharacters(allowingLineBreaks: false) {
                problems.append(FieldError(field: "name", message: "name must not contain control characters"))
            } else {
                return trimmed
            }
        }
        return nil
    }

    /// A new address (registration, a change, a new administrator), normalised (lower-cased), or the problem with it.
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

    /// An address to look an account up by (sign-in, a forgotten password): any non-blank text of at most 254 code
    /// points, trimmed and lower-cased as addresses are stored. Not held to the rule for new addresses, so accounts
    /// registered under an earlier, laxer rule can still sign in and reset their password; one that matches no
    /// account is simply not found.
    static func lookupEmail(_ field: Field<String>, problems: inout [FieldError]) -> String? {
        switch field {
        case .absent:
            problems.append(FieldError(field: "email", message: "email is required"))
        case .invalid(let message):
            problems.append(FieldError(field: "email", message: message))
        case .value(let raw):
            let trimmed = raw.trimmingWhitespace()
            if !trimmed.isEmpty, raw.unicodeScalars.count <= emailMaximumLength { return trimmed.lowercased() }
            problems.append(FieldError(field: "email", message: "email must be an address of at most 254 characters"))
        }
        return nil
    }

    /// A deliberately plain check, the same as the API document's `EmailInput` pattern states: ASCII only; a
    /// dot-atom local part of at most 64 characters; a domain of two or more labels of letters, digits and inner
    /// hyphens, each at most 63 long; at most 254 characters in all. Nothing is trimmed: a client sends the address
    /// itself. Returned lower-cased.
    static func normalisedEmail(_ raw: String) -> String? {
        let bytes = Array(raw.utf8)
        guard bytes.count <= emailMaximumLength, bytes.allSatisfy({ $0 < 0x80 }),
            let at = bytes.firstIndex(of: UInt8(ascii: "@")), bytes.lastIndex(of: UInt8(ascii: "@")) == at
        else { return nil }
        let local = bytes[..<at]
        let domain = bytes[(at + 1)...]
        guard (1...64).contains(local.count),
            local.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).allSatisfy({ atom in
                !atom.isEmpty && atom.allSatisfy(isAtomCharacter)
            })
        else { return nil }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy(isDomainLabel) else { return nil }
        return raw.lowercased()
    }

    /// RFC 5322 `atext`: letters, digits and ``!#$%&'*+/=?^_`{|}~-``.
    private static func isAtomCharacter(_ byte: UInt8) -> Bool {
        isLetterOrDigit(byte) || "!#$%&'*+/=?^_`{|}~-".utf8.contains(byte)
    }

    /// A hostname label: 1–63 letters, digits and hyphens, neither first nor last a hyphen.
    private static func isDomainLabel(_ label: ArraySlice<UInt8>) -> Bool {
        guard (1...63).contains(label.count), let first = label.first, let last = label.last, isLetterOrDigit(first), isLetterOrDigit(last)
        else { return false }
        return label.allSatisfy { isLetterOrDigit($0) || $0 == UInt8(ascii: "-") }
    }

    private static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
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
