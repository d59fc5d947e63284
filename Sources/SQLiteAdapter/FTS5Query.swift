import Domain

/// A `SearchQuery` in FTS5's query syntax. Every word is written as a quoted string, so nothing a user typed is
/// read as an operator or a column filter.
enum FTS5Query {
    static func render(_ query: SearchQuery) -> String {
        let included = query.clauses.map { clause in "(" + clause.map(term).joined(separator: " OR ") + ")" }.joined(separator: " AND ")
        // FTS5's NOT is binary (`a NOT b`): the excluded terms follow the included ones.
        return query.excluded.reduce("(" + included + ")") { expression, excluded in expression + " NOT " + term(excluded) }
    }

    /// A word, or a phrase (`"a" + "b"`: the words next to each other).
    private static func term(_ term: SearchQuery.Term) -> String {
        term.words.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: " + ")
    }
}
