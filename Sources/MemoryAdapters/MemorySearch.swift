import Domain

/// Full-text matching for the memory adapters, with the meaning the database adapters give a `SearchQuery`: words
/// are runs of letters and digits compared without case, a phrase's words must follow each other in one field,
/// and each field has a weight (a match in a heavier field ranks higher).
struct MemorySearch {
    /// A searched field: its name in highlights, its text (nil: null, never matches) and its weight.
    struct Field {
        let name: String
        let text: String?
        let weight: Double
    }

    /// A word of a field and where it stands in the text.
    private struct Word {
        let text: String
        let range: Range<String.Index>
    }

    /// The rank and highlights of a document made of `fields`, or nil when it does not match `query`.
    static func match(_ query: SearchQuery, in fields: [Field]) -> (rank: Double, highlights: [String: [HighlightPiece]])? {
        let words = fields.map { field in field.text.map(Self.words) ?? [] }
        func occurrences(of term: SearchQuery.Term, in fieldWords: [Word]) -> [Range<String.Index>] {
            guard fieldWords.count >= term.words.count else { return [] }
            var found: [Range<String.Index>] = []
            for start in 0...(fieldWords.count - term.words.count) {
                let window = fieldWords[start..<(start + term.words.count)]
                if zip(window, term.words).allSatisfy({ $0.text == $1 }) {
                    found.append(window.first!.range.lowerBound..<window.last!.range.upperBound)
                }
            }
            return found
        }
        for term in query.excluded where words.contains(where: { !occurrences(of: term, in: $0).isEmpty }) {
            return nil
        }
        var rank = 0.0
        var marks: [[Range<String.Index>]] = Array(repeating: [], count: fields.count)
        for clause in query.clauses {
            var clauseMatched = false
            for term in clause {
                for (index, field) in fields.enumerated() {
                    let found = occurrences(of: term, in: words[index])
                    guard !found.isEmpty else { continue }
                    clauseMatched = true
                    rank += field.weight * Double(found.count)
                    marks[index].append(contentsOf: found)
                }
            }
            guard clauseMatched else { return nil }
        }
        var highlights: [String: [HighlightPiece]] = [:]
        for (index, field) in fields.enumerated() {
            guard let text = field.text else { continue }
            highlights[field.name] = Self.pieces(of: text, marking: marks[index])
        }
        return (rank, highlights)
    }

    private static func words(of text: String) -> [Word] {
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

    /// `text` cut into pieces, the `marked` ranges (which may overlap) as matches.
    private static func pieces(of text: String, marking marked: [Range<String.Index>]) -> [HighlightPiece] {
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
