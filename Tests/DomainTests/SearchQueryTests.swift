import Domain
import Testing

@Suite struct SearchQueryTests {
    typealias Term = SearchQuery.Term

    @Test func wordsPhrasesOrAndExclusions() throws {
        let query = try SearchQuery.parse(#"Blue  "tall SHIP" or boat -rust -"old paint" harbour"#)
        #expect(
            query.clauses == [
                [Term(words: ["blue"])], [Term(words: ["tall", "ship"]), Term(words: ["boat"])], [Term(words: ["harbour"])],
            ])
        #expect(query.excluded == [Term(words: ["rust"]), Term(words: ["old", "paint"])])
    }

    @Test func punctuationSeparatesWordsAndAWordOfSeveralIsAPhrase() throws {
        let query = try SearchQuery.parse("e-mail café.crème 42nd")
        #expect(query.clauses == [[Term(words: ["e", "mail"])], [Term(words: ["café", "crème"])], [Term(words: ["42nd"])]])
    }

    @Test func orAtTheEdgesOrQuotedIsAWordOrNothing() throws {
        #expect(try SearchQuery.parse("or boat").clauses == [[Term(words: ["boat"])]])
        #expect(try SearchQuery.parse(#"boat "or""#).clauses == [[Term(words: ["boat"])], [Term(words: ["or"])]])
        #expect(try SearchQuery.parse("boat or").clauses == [[Term(words: ["boat"])]])
        #expect(try SearchQuery.parse("- boat").clauses == [[Term(words: ["boat"])]])
    }

    @Test(arguments: ["", "   ", "-boat", "--", "& | !", #""""#, "-\"a b\" -c"])
    func aQueryWithNothingToLookForIsRefused(text: String) {
        #expect(throws: DomainError.validation([FieldError(field: "q", message: "q must contain at least one word to search for")])) {
            try SearchQuery.parse(text)
        }
    }

    @Test func longQueriesAreRefusedWithTheLimit() {
        #expect(throws: DomainError.validation([FieldError(field: "q", message: "q must be at most 200 characters")])) {
            try SearchQuery.parse(String(repeating: "a", count: 201))
        }
        #expect(throws: DomainError.validation([FieldError(field: "q", message: "q may hold at most 16 words or phrases")])) {
            try SearchQuery.parse((1...17).map { "w\($0)" }.joined(separator: " "))
        }
        #expect((try? SearchQuery.parse(String(repeating: "a", count: 200))) != nil)
    }

    @Test func markedTextIsCutIntoPieces() {
        #expect(
            HighlightPiece.pieces(ofMarked: "a \u{1}blue\u{2} \u{1}widget\u{2}!") == [
                HighlightPiece(text: "a ", match: false), HighlightPiece(text: "blue", match: true), HighlightPiece(text: " ", match: false),
                HighlightPiece(text: "widget", match: true), HighlightPiece(text: "!", match: false),
            ])
        #expect(
            HighlightPiece.pieces(ofMarked: "\u{1}tall\u{2}\u{1}ship\u{2}") == [HighlightPiece(text: "tallship", match: true)])
        #expect(HighlightPiece.pieces(ofMarked: "") == [])
    }
}
