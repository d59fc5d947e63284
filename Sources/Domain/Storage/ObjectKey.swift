/// The name of a stored object: 1 to 512 characters of `A-Z a-z 0-9 . _ -` in segments separated by single `/`,
/// none of them starting with `.` (so no `.`, `..` or hidden names), and no `/` at either end. The same key is a safe relative path on a filesystem and
/// needs no escaping in an S3 URL path.
public struct ObjectKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let value: String

    /// Checks `value`; throws `ObjectStorageError.invalidKey` naming the rule it breaks.
    public init(_ value: String) throws(ObjectStorageError) {
        if let problem = Self.problem(with: value) { throw .invalidKey(problem) }
        self.value = value
    }

    public var description: String { value }

    public static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        Array(lhs.value.utf8).lexicographicallyPrecedes(Array(rhs.value.utf8))
    }

    /// Whether `prefix` can start a valid key (empty: every key), such as `avatars/` or `avatars/u1`; `../` cannot.
    public static func isValidPrefix(_ prefix: String) -> Bool {
        prefix.isEmpty || problem(with: prefix + "x") == nil
    }

    static func problem(with value: String) -> String? {
        if value.isEmpty { return "must not be empty" }
        if value.utf8.count > 512 { return "must be at most 512 characters" }
        if !value.unicodeScalars.allSatisfy(isAllowed) { return "may contain only A-Z, a-z, 0-9, '.', '_', '-' and '/'" }
        if value.hasPrefix("/") || value.hasSuffix("/") { return "must not start or end with '/'" }
        for segment in value.split(separator: "/", omittingEmptySubsequences: false) {
            if segment.isEmpty { return "must not contain '//'" }
            if segment.hasPrefix(".") { return "must not contain segments starting with '.' (such as '..')" }
        }
        return nil
    }

    /// Checks a content type: 1 to 255 printable ASCII characters (it travels in headers and file headers as is).
    public static func checkContentType(_ contentType: String) throws(ObjectStorageError) {
        guard (1...255).contains(contentType.utf8.count), contentType.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) else {
            throw .invalidContentType
        }
    }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-", "/": true
        default: false
        }
    }
}
