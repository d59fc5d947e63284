/// Client input for creating, replacing or changing an example, as decoded by a driving adapter.
public struct ExampleDraft: Sendable, Equatable {
    public static let nameLength = 1...200
    public static let descriptionMaxLength = 2000

    public var name: Field<String>
    /// `.value(nil)` clears the description.
    public var description: Field<String?>
    /// Fields the client sent that examples do not have; each one is rejected.
    public var unknownFields: [String]

    public init(name: Field<String> = .absent, description: Field<String?> = .absent, unknownFields: [String] = []) {
        self.name = name
        self.description = description
        self.unknownFields = unknownFields
    }

    /// How much of the example a request must carry.
    public enum Mode: Sendable {
        /// Create and replace (PUT): `name` is required, an absent `description` means none.
        case complete
        /// Change (PATCH): any subset, but at least one field.
        case partial
    }

    /// The validated, normalised values: `nil` means "leave unchanged" (only in partial mode).
    struct Values: Sendable {
        var name: String?
        var description: String??
    }

    /// Checks every rule and returns normalised values, or throws `.validation` listing every problem.
    func validated(_ mode: Mode) throws(DomainError) -> Values {
        var problems: [FieldError] = unknownFields.sorted().map { FieldError(field: $0, message: "\($0) is not an allowed field") }
        var values = Values()

        switch name {
        case .absent where mode == .complete:
            problems.append(FieldError(field: "name", message: "name is required"))
        case .absent:
            break
        case .invalid(let message):
            problems.append(FieldError(field: "name", message: message))
        case .value(let raw):
            let trimmed = raw.trimmingWhitespace()
            // The limit counts what was sent, in code points, as the API document's maxLength does.
            if trimmed.isEmpty || raw.unicodeScalars.count > Self.nameLength.upperBound {
                problems.append(FieldError(field: "name", message: "name must be between 1 and 200 characters"))
            } else if trimmed.containsControlCharacters(allowingLineBreaks: false) {
                problems.append(FieldError(field: "name", message: "name must not contain control characters"))
            } else {
                values.name = trimmed
            }
        }

        switch description {
        case .absent where mode == .complete:
            values.description = .some(nil)
        case .absent:
            break
        case .invalid(let message):
            problems.append(FieldError(field: "description", message: message))
        case .value(let raw):
            let trimmed = raw?.trimmingWhitespace()
            if let raw, raw.unicodeScalars.count > Self.descriptionMaxLength {
                problems.append(FieldError(field: "description", message: "description must be at most 2000 characters"))
            } else if let trimmed, trimmed.containsControlCharacters(allowingLineBreaks: true) {
                problems.append(
                    FieldError(field: "description", message: "description must not contain control characters other than tabs and line breaks")
                )
            } else {
                values.description = .some(trimmed?.isEmpty == true ? nil : trimmed)
            }
        }

        if mode == .partial, problems.isEmpty, values.name == nil, values.description == nil {
            problems.append(FieldError(field: "body", message: "provide at least one of name, description"))
        }
        guard problems.isEmpty else { throw .validation(problems) }
        return values
    }
}
