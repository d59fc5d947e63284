/// The rules a new password must meet: 8–128 characters and, by default, an upper-case letter, a lower-case letter
/// and a digit, each from ASCII (A–Z, a–z, 0–9; any other character is allowed besides). Lengths count Unicode code
/// points, as JSON Schema's `minLength`/`maxLength` do, so the API document states the policy exactly (`pattern`).
public struct PasswordPolicy: Sendable, Equatable {
    public var length: ClosedRange<Int>
    public var requiresUppercase: Bool
    public var requiresLowercase: Bool
    public var requiresDigit: Bool

    public init(length: ClosedRange<Int> = 8...128, requiresUppercase: Bool = true, requiresLowercase: Bool = true, requiresDigit: Bool = true) {
        self.length = length
        self.requiresUppercase = requiresUppercase
        self.requiresLowercase = requiresLowercase
        self.requiresDigit = requiresDigit
    }

    /// Every rule `password` breaks, reported under `field`. The password itself never appears in a message.
    public func problems(with password: String, field: String = "password") -> [FieldError] {
        var problems: [FieldError] = []
        if !length.contains(password.unicodeScalars.count) {
            problems.append(FieldError(field: field, message: "\(field) must be between \(length.lowerBound) and \(length.upperBound) characters"))
        }
        if requiresUppercase, !password.utf8.contains(where: { (0x41...0x5A).contains($0) }) {
            problems.append(FieldError(field: field, message: "\(field) must contain an upper-case letter (A-Z)"))
        }
        if requiresLowercase, !password.utf8.contains(where: { (0x61...0x7A).contains($0) }) {
            problems.append(FieldError(field: field, message: "\(field) must contain a lower-case letter (a-z)"))
        }
        if requiresDigit, !password.utf8.contains(where: { (0x30...0x39).contains($0) }) {
            problems.append(FieldError(field: field, message: "\(field) must contain a digit (0-9)"))
        }
        return problems
    }

    /// The policy as an ECMA-262 regular expression for JSON Schema's `pattern` (lengths go in minLength/maxLength);
    /// nil when no character class is required.
    public var pattern: String? {
        let classes = [(requiresUppercase, "A-Z"), (requiresLowercase, "a-z"), (requiresDigit, "0-9")].filter(\.0).map(\.1)
        guard !classes.isEmpty else { return nil }
        return "^" + classes.map { "(?=[\\s\\S]*[\($0)])" }.joined()
    }
}
