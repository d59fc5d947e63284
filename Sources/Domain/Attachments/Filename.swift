/// File names as clients send them: only the last path component is kept, and it must be 1 to 255 characters
/// without control characters.
public enum Filename {
    public static let maxLength = 255

    /// The cleaned name, or `.validation` naming `field`.
    public static func clean(_ raw: String?, field: String = "filename") throws(DomainError) -> String {
        guard let raw else { throw .validation([FieldError(field: field, message: "\(field) is required")]) }
        let last = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let name = last.trimmingWhitespace()
        guard !name.isEmpty, name != ".", name != "..", name.unicodeScalars.count <= maxLength else {
            throw .validation([FieldError(field: field, message: "\(field) must be a file name of 1 to \(maxLength) characters")])
        }
        guard !name.containsControlCharacters(allowingLineBreaks: false) else {
            throw .validation([FieldError(field: field, message: "\(field) must not contain control characters")])
        }
        return name
    }
}
