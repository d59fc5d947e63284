/// A full-text query, parsed from what a user typed into a search box, in the syntax web search engines use:
///
/// - `blue widget`: both words, anywhere in the searched fields;
/// - `"blue widget"`: the words next to each other, in this order;
/// - `blue or green`: either;
/// - `-red`: nothing that has this word.
///
/// Words are compared without regard to case: letters and digits make words, anything else separates them. The
/// adapters render the parsed query in their own engine's syntax (`SearchIndex`), so no user text ever reaches
/// an engine's query parser, and a query means the same on every adapter.
public struct SearchQuery: Sendable, Equatable {
    public static let maxLength = 200
    public static let maxTerms = 16

    /// A word, or a phrase of words that must follow each other.
    public struct Term: Sendable, Equatable, Hashable {
        /// Lowercased words, at least one.
        public let words: [String]

        public init(words: [String]) {
            self.words = words
        }
    }

    /// Every clause must match; a clause matches when any of its terms does.
    public let clauses: [[Term]]
    /// No term here may match.
    public let excluded: [Term]

    public init(clauses: [[Term]], excluded: [Term] = []) {
        self.clauses = clauses
        self.excluded = excluded
    }

    /// Every term, in the order given: the ones highlighting marks.
    public var included: [Term] { clauses.flatMap { $0 } }

    /// Parses `text`; a query with nothing to look for, or too long, is a validation error on `field`.
    public static func parse(_ text: String, field: String = "q") throws(DomainError) -> SearchQuery {
        // Code points, not Characters: one Character may hold any number of combining marks.
        guard text.unicodeScalars.count <= maxLength else {
            throw .validation([FieldError(field: field, message: "\(field) must be at most \(maxLength) characters")])
        }
        var clauses: [[Term]] = []
        var excluded: [Term] = []
        var joinNext = false
        var count = 0
        for token in tokens(of: text) {
            if !token.quoted, !token.negated, token.text.lowercased() == "or" {
                joinNext = !clauses.isEmpty
                continue
            }
            let words = Self.words(of: token.text)
            guard !words.isEmpty else { continue }
            count += 1
            let term = Term(words: words)
            if token.negated {
                excluded.append(term)
                joinNext = false
            } else if joinNext, !clauses.isEmpty {
                clauses[clauses.count - 1].append(term)
                joinNext = false
            } else {
                clauses.append([term])
            }
        }
        guard count <= maxTerms else {
            throw .validation([FieldError(field: field, message: "\(field) may hold at most \(maxTerms) words or phrases")])
        }
        guard !clauses.isEmpty else {
            throw .validation([FieldError(field: field, message: "\(field) must contain at least one word to search for")])
        }
        return SearchQuery(clauses: clauses, excluded: excluded)
    }

    /// The words of `text`: runs of letters and digits, lowercased.
    public static func words(of text: String) -> [String] {
        var words: [String] = []
        var current = ""
        for character in text {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else if !current.isEmpty {
                words.append(current.lowercased())
                current = ""
            }
        }
        if !current.isEmpty { words.append(current.lowercased()) }
        return words
    }

    private struct Token {
        var text: String
        var quoted: Bool
        var negated: Bool
    }

    /// Splits on whitespace, keeping `"quoted phrases"` whole (an unclosed quote runs to the end) and noting a
    /// leading `-`.
    private static func tokens(of text: String) -> [Token] {
        var tokens: [Token] = []
        var index = text.startIndex
        while index < text.endIndex {
            if text[index].isWhitespace {
                index = text.index(after: index)
                continue
            }
            var negated = false
            if text[index] == "-" {
                negated = true
                index = text.index(after: index)
                guard index < text.endIndex, !text[index].isWhitespace else { continue }
            }
            if text[index] == "\"" {
                let start = text.index(after: index)
                let end = text[start...].firstIndex(of: "\"") ?? text.endIndex
                tokens.append(Token(text: String(text[start..<end]), quoted: true, negated: negated))
                index = end < text.endIndex ? text.index(after: end) : end
            } else {
                let end = text[index...].firstIndex(where: \.isWhitespace) ?? text.endIndex
                tokens.append(Token(text: String(text[index..<end]), quoted: false, negated: negated))
                index = end
            }
        }
        return tokens
    }
}

/// One result of a full-text search: the item, how well it matched (higher is better, comparable only within one
/// search), and its searched fields with the matching words marked.
public struct SearchHit<Item: Sendable>: Sendable {
    public let item: Item
    public let rank: Double
    /// Field name to its text cut into marked and unmarked pieces; a field that is null has no entry.
    public let highlights: [String: [HighlightPiece]]

    public init(item: Item, rank: Double, highlights: [String: [HighlightPiece]]) {
        self.item = item
        self.rank = rank
        self.highlights = highlights
    }
}

extension SearchHit: Equatable where Item: Equatable {}

/// A piece of a highlighted field: `match` when it is one of the words searched for.
public struct HighlightPiece: Sendable, Equatable, Hashable {
    public let text: String
    public let match: Bool

    public init(text: String, match: Bool) {
        self.text = text
        self.match = match
    }

    /// Markers an engine puts around matches; they are control characters, which no stored text may hold.
    public static let startMarker: Character = "\u{1}"
    public static let endMarker: Character = "\u{2}"

    /// Cuts text in which an engine marked the matches with `startMarker`/`endMarker` into pieces.
    public static func pieces(ofMarked marked: String) -> [HighlightPiece] {
        var pieces: [HighlightPiece] = []
        var current = ""
        var inMatch = false
        func flush() {
            if !current.isEmpty { pieces.append(HighlightPiece(text: current, match: inMatch)) }
            current = ""
        }
        for character in marked {
            switch character {
            case startMarker:
                flush()
                inMatch = true
            case endMarker:
                flush()
                inMatch = false
            default: current.append(character)
            }
        }
        flush()
        // Adjacent pieces of the same kind (two marked words with nothing between) read as one.
        return pieces.reduce(into: []) { merged, piece in
            if let last = merged.last, last.match == piece.match {
                merged[merged.count - 1] = HighlightPiece(text: last.text + piece.text, match: piece.match)
            } else {
                merged.append(piece)
            }
        }
    }
}

/// Ranked full-text search over one kind of item, kept in step with its writes by the adapter (a generated column
/// on PostgreSQL, FTS5 triggers on SQLite), so a search always sees what was committed.
public protocol SearchIndex<Item>: Sendable {
    associatedtype Item: Sendable
    /// One page of live items matching `query`, best match first (ties: newest first), with the total.
    func search(_ query: SearchQuery, page: PageRequest) async throws -> Page<SearchHit<Item>>
}
