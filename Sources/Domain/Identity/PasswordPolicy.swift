/// The rules a new password must meet: 8–128 characters and, by default, an upper-case letter, a lower-case letter
/// and a digit.
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
        if !length.contains(password.count) {
            problems.append(FieldError(field: field, message: "\(field) must be between \(length.lowerBound) and \(length.upperBound) characters"))
        }
        if requiresUppercase, !password.contains(where: \.isUppercase) {
            problems.append(FieldError(field: field, message: "\(field) must contain an upper-case letter"))
        }
        if requiresLowercase, !password.contains(where: \.isLowercase) {
            problems.append(FieldError(field: field, message: "\(field) must contain a lower-case letter"))
        }
        if requiresDigit, !password.contains(where: \.isNumber) {
            problems.append(FieldError(field: field, message: "\(field) must contain a digit"))
        }
        return problems
    }
}
