import Domain

/// A `SearchQuery` as `to_tsquery` text. Every word is a quoted lexeme, so nothing a user typed is read as an
/// operator, a weight or a prefix mark; the text itself is bound as a parameter.
enum TSQuery {
    static func render(_ query: SearchQuery) -> String {
        let included = query.clauses.map { clause in "(" + clause.map(term).joined(separator: " | ") + ")" }
        let excluded = query.excluded.map { "!" + term($0) }
        return (included + excluded).joined(separator: " & ")
    }

    /// A word, or a phrase (`'a' <-> 'b'`: the words next to each other).
    private static func term(_ term: SearchQuery.Term) -> String {
        let lexemes = term.words.map { "'" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''") + "'" }
        return "(" + lexemes.joined(separator: " <-> ") + ")"
    }
}
