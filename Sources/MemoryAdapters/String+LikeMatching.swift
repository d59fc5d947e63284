extension String {
    /// Whether `term` occurs in the string as SQLite's LIKE '%term%' finds it: code point by code point, folding
    /// only the ASCII letters. `lowercased()` would fold "É" to "é" where SQLite does not, and the adapters must agree.
    func containsIgnoringASCIICase(_ term: String) -> Bool {
        let haystack = utf8.map(Self.asciiLowercased)
        let needle = term.utf8.map(Self.asciiLowercased)
        guard !needle.isEmpty else { return true }
        guard needle.count <= haystack.count else { return false }
        // UTF-8 never starts a code point inside another, so matching bytes is matching code points.
        for start in 0...(haystack.count - needle.count) where haystack[start..<start + needle.count].elementsEqual(needle) {
            return true
        }
        return false
    }

    /// Whether both strings hold the same bytes, as SQLite compares text: `==` would also equate canonically
    /// equivalent spellings ("é" composed and decomposed) that SQLite keeps apart.
    func isBytewiseEqual(to other: String) -> Bool {
        utf8.elementsEqual(other.utf8)
    }

    private static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }
}
