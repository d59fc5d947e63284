import Foundation

/// Splits a migration file into its statements. PostgresNIO sends each query as a prepared statement, which holds
/// one command, so a file of several is run one statement at a time (inside the file's transaction).
///
/// A semicolon ends a statement unless it is inside a comment (`--`, nested `/* */`), a string (`'...'`, `E'...'`
/// with backslash escapes), a quoted identifier (`"..."`) or a dollar-quoted body (`$$...$$`, `$tag$...$tag$`).
enum SQLScript {
    static func statements(in script: String) -> [String] {
        let characters = Array(script.unicodeScalars)
        var statements: [String] = []
        var start = 0
        var meaningful = false
        var index = 0

        func finish(at end: Int) {
            if meaningful {
                var text = String.UnicodeScalarView()
                text.append(contentsOf: characters[start..<end])
                statements.append(String(text).trimmingCharacters(in: .whitespacesAndNewlines))
            }
            start = end + 1
            meaningful = false
        }

        while index < characters.count {
            let character = characters[index]
            let next = index + 1 < characters.count ? characters[index + 1] : nil
            switch character {
            case "-" where next == "-":
                while index < characters.count, characters[index] != "\n" { index += 1 }
                continue
            case "/" where next == "*":
                index = endOfBlockComment(characters, from: index)
                continue
            case "'":
                let escapes = index > 0 && (characters[index - 1] == "E" || characters[index - 1] == "e")
                index = endOfQuoted(characters, from: index, quote: "'", backslashEscapes: escapes)
            case "\"":
                index = endOfQuoted(characters, from: index, quote: "\"", backslashEscapes: false)
            case "$":
                if let tag = dollarTag(characters, at: index) {
                    index = endOfDollarQuoted(characters, from: index + tag.count, tag: tag)
                } else {
                    index += 1
                }
            case ";":
                finish(at: index)
                index += 1
                continue
            default:
                index += 1
            }
            if !character.properties.isWhitespace { meaningful = true }
        }
        finish(at: characters.count)
        return statements
    }

    /// The index just past the comment opened at `start`; block comments nest in PostgreSQL.
    private static func endOfBlockComment(_ characters: [Unicode.Scalar], from start: Int) -> Int {
        var depth = 0
        var index = start
        while index < characters.count {
            let next = index + 1 < characters.count ? characters[index + 1] : nil
            if characters[index] == "/", next == "*" {
                depth += 1
                index += 2
            } else if characters[index] == "*", next == "/" {
                depth -= 1
                index += 2
                if depth == 0 { return index }
            } else {
                index += 1
            }
        }
        return index
    }

    /// The index just past the quoted text opened at `start`; a doubled quote stays inside.
    private static func endOfQuoted(_ characters: [Unicode.Scalar], from start: Int, quote: Unicode.Scalar, backslashEscapes: Bool) -> Int {
        var index = start + 1
        while index < characters.count {
            if backslashEscapes, characters[index] == "\\" {
                index += 2
            } else if characters[index] == quote {
                if index + 1 < characters.count, characters[index + 1] == quote {
                    index += 2
                } else {
                    return index + 1
                }
            } else {
                index += 1
            }
        }
        return index
    }

    /// The dollar-quote tag (`$$` or `$name$`) starting at `start`, if one does.
    private static func dollarTag(_ characters: [Unicode.Scalar], at start: Int) -> [Unicode.Scalar]? {
        // Inside an identifier (`price$eur`) a dollar sign is part of the name.
        if start > 0, characters[start - 1] == "_" || characters[start - 1].properties.isAlphabetic || ("0"..."9").contains(characters[start - 1]) {
            return nil
        }
        var index = start + 1
        while index < characters.count {
            let character = characters[index]
            if character == "$" { return Array(characters[start...index]) }
            let allowed = character == "_" || character.properties.isAlphabetic || (index > start + 1 && ("0"..."9").contains(character))
            guard allowed else { return nil }
            index += 1
        }
        return nil
    }

    private static func endOfDollarQuoted(_ characters: [Unicode.Scalar], from start: Int, tag: [Unicode.Scalar]) -> Int {
        var index = start
        while index + tag.count <= characters.count {
            if characters[index..<index + tag.count].elementsEqual(tag) { return index + tag.count }
            index += 1
        }
        return characters.count
    }
}
