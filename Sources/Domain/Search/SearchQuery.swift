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

    /// Whether there is nothing to look for (no word outside exclusions): such a query finds nothing.
    public var isEmpty: Bool { clauses.isEmpty }

    /// Parses `text`. Text over `maxLength` is a validation error on `field`; terms after the first `maxTerms` are
    /// ignored, and a query with nothing to look for is empty (it finds nothing) rather than an error.
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
            guard count <= maxTerms else { break }
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
/// search), and its searched fields with the matching words marked (`SearchQuery.highlights(of:)`, the same on every
/// adapter).
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
}

/// Ranked full-text search over one kind of item, kept in step with its writes by the adapter (a generated column
/// on PostgreSQL, FTS5 triggers on SQLite), so a search always sees what was committed.
public protocol SearchIndex<Item>: Sendable {
    associatedtype Item: Sendable
    /// One page of live items matching `query`, best match first (ties: newest first), with the total.
    func search(_ query: SearchQuery, page: PageRequest) async throws -> Page<SearchHit<Item>>
}

/// A searched field of an item: its name, its text (nil: null, never matches) and its weight in ranking.
public struct SearchField: Sendable {
    public let name: String
    public let text: String?
    public let weight: Double

    public init(name: String, text: String?, weight: Double = 1) {
        self.name = name
        self.text = text
        self.weight = weight
    }
}

extension SearchQuery {
    /// The rank of an item made of `fields`, or nil when it does not match: what an engine without an index (the
    /// memory adapters) computes, with the meaning the database engines give the query. A phrase's words must follow
    /// each other within one field; each occurrence of a term counts its field's weight.
    public func rank(of fields: [SearchField]) -> Double? {
        let words = fields.map { $0.text.map(SearchText.words) ?? [] }
        for term in excluded where words.contains(where: { !SearchText.occurrences(of: term, in: $0).isEmpty }) {
            return nil
        }
        var rank = 0.0
        for clause in clauses {
            var matched = false
            for term in clause {
                for (index, field) in fields.enumerated() {
                    let found = SearchText.occurrences(of: term, in: words[index]).count
                    guard found > 0 else { continue }
                    matched = true
                    rank += field.weight * Double(found)
                }
            }
            guard matched else { return nil }
        }
        return rank
    }

    /// Each field that is not null, cut into pieces with every occurrence of the query's terms marked. Done here
    /// rather than by each engine, so highlights read the same on every adapter.
    public func highlights(of fields: [SearchField]) -> [String: [HighlightPiece]] {
        var highlights: [String: [HighlightPiece]] = [:]
        for field in fields {
            guard let text = field.text else { continue }
            let words = SearchText.words(of: text)
            let marked = included.flatMap { SearchText.occurrences(of: $0, in: words) }
            highlights[field.name] = SearchText.pieces(of: text, marking: marked)
        }
        return highlights
    }
}

/// Words of a text and where they stand, for matching and highlighting.
enum SearchText {
    struct Word {
        let text: String
        let range: Range<String.Index>
    }

    /// Runs of letters and digits, lowercased, with their ranges in `text`.
    static func words(of text: String) -> [Word] {
        var words: [Word] = []
        var start: String.Index?
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character.isLetter || character.isNumber {
                if start == nil { start = index }
            } else if let begun = start {
                words.append(Word(text: text[begun..<index].lowercased(), range: begun..<index))
                start = nil
            }
            index = text.index(after: index)
        }
        if let begun = start { words.append(Word(text: text[begun...].lowercased(), range: begun..<text.endIndex)) }
        return words
    }

    /// Where `term` occurs in `words`: a phrase's words one after the other.
    static func occurrences(of term: SearchQuery.Term, in words: [Word]) -> [Range<String.Index>] {
        guard words.count >= term.words.count else { return [] }
        var found: [Range<String.Index>] = []
        for start in 0...(words.count - term.words.count) {
            let window = words[start..<(start + term.words.count)]
            if zip(window, term.words).allSatisfy({ $0.text == $1 }) {
                found.append(window.first!.range.lowerBound..<window.last!.range.upperBound)
            }
        }
        return found
    }

    /// `text` cut into pieces, the `marked` ranges (which may overlap) as matches.
    static func pieces(of text: String, marking marked: [Range<String.Index>]) -> [HighlightPiece] {
        var merged: [Range<String.Index>] = []
        for range in marked.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, range.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        var pieces: [HighlightPiece] = []
        var position = text.startIndex
        for range in merged {
            if position < range.lowerBound { pieces.append(HighlightPiece(text: String(text[position..<range.lowerBound]), match: false)) }
            pieces.append(HighlightPiece(text: String(text[range]), match: true))
            position = range.upperBound
        }
        if position < text.endIndex { pieces.append(HighlightPiece(text: String(text[position...]), match: false)) }
        return pieces
    }
}
