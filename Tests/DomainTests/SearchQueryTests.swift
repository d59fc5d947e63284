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
    func aQueryWithNothingToLookForIsEmpty(text: String) throws {
        #expect(try SearchQuery.parse(text).isEmpty)
    }

    @Test func longQueriesAreRefusedAndExtraTermsIgnored() throws {
        #expect(throws: DomainError.validation([FieldError(field: "q", message: "q must be at most 200 characters")])) {
            try SearchQuery.parse(String(repeating: "a", count: 201))
        }
        #expect(try SearchQuery.parse((1...17).map { "w\($0)" }.joined(separator: " ")).clauses.count == 16)
        #expect((try? SearchQuery.parse(String(repeating: "a", count: 200))) != nil)
    }

    @Test func highlightsMarkEveryOccurrenceOfTheIncludedTerms() throws {
        let query = try SearchQuery.parse(#""blue widget" or crate -rust"#)
        let fields = [
            SearchField(name: "name", text: "A Blue Widget, blue crate!"), SearchField(name: "description", text: "rust"),
            SearchField(name: "none", text: nil),
        ]
        #expect(
            query.highlights(of: fields) == [
                "name": [
                    HighlightPiece(text: "A ", match: false), HighlightPiece(text: "Blue Widget", match: true),
                    HighlightPiece(text: ", blue ", match: false), HighlightPiece(text: "crate", match: true),
                    HighlightPiece(text: "!", match: false),
                ],
                "description": [HighlightPiece(text: "rust", match: false)],
            ])
    }

    @Test func rankWeighsEachOccurrenceByItsField() throws {
        let query = try SearchQuery.parse("crate or box")
        let heavy = SearchField(name: "name", text: "crate", weight: 10)
        let light = SearchField(name: "description", text: "crate, box and crate", weight: 1)
        #expect(query.rank(of: [heavy, light]) == 13)
        #expect(try SearchQuery.parse("crate -box").rank(of: [heavy, light]) == nil)
        #expect(try SearchQuery.parse("barrel").rank(of: [heavy, light]) == nil)
    }
}
