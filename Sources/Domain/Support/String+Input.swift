import Foundation

/// Checks every module's client input shares.
extension String {
    /// Whether the string holds C0 or C1 control characters (NUL, ESC, DEL...); tab, CR and LF pass when allowed.
    func containsControlCharacters(allowingLineBreaks: Bool) -> Bool {
        unicodeScalars.contains { scalar in
            guard scalar.properties.generalCategory == .control else { return false }
            return !(allowingLineBreaks && (scalar == "\t" || scalar == "\n" || scalar == "\r"))
        }
    }

    /// The string without leading and trailing whitespace and newlines.
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
