import Domain
import Foundation
import Testing

/// Full-text search over examples (`SearchIndex`): the same answers on memory, SQLite (FTS5) and PostgreSQL
/// (tsvector + GIN), for every part of the query syntax, with ranking, paging, highlighting, and the index kept in
/// step with inserts, updates and deletes.
extension ExampleRepositoryContractTests {
    private func search(_ store: Store, _ text: String, page: Int = 1, limit: Int = 10) async throws -> Page<SearchHit<Example>> {
        try await store.examples.search(try SearchQuery.parse(text), page: PageRequest(page: page, limit: limit))
    }

    private func ids(_ page: Page<SearchHit<Example>>) -> [UUID] {
        page.items.map(\.item.id)
    }

    @Test(arguments: StoreKind.allCases)
    func everyWordMustMatchInAnyFieldIgnoringCase(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.examples.insert(example(1, name: "Blue Widget", at: 1))
            try await store.examples.insert(example(2, name: "Widget", description: "painted BLUE at the dock", at: 2))
            try await store.examples.insert(example(3, name: "Red widget", at: 3))
            try await store.examples.insert(example(4, name: "Bluebell", at: 4))

            let both = try await search(store, "widget blue")
            #expect(Set(ids(both)) == [example(1).id, example(2).id])
            #expect(both.total == 2)
            // Whole words only: "blue" is not "Bluebell".
            #expect(ids(try await search(store, "BLUE")).count == 2)
            #expect(try await search(store, "widgets").total == 0)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func phrasesOrAndExclusion(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.examples.insert(example(1, name: "Blue Widget", at: 1))
            try await store.examples.insert(example(2, name: "Widget blue", at: 2))
            try await store.examples.insert(example(3, name: "Green gadget", at: 3))
            try await store.examples.insert(example(4, name: "Green widget", description: "slightly blue", at: 4))

            #expect(ids(try await search(store, #""blue widget""#)) == [example(1).id])
            #expect(Set(ids(try await search(store, "gadget or blue"))) == [example(1).id, example(2).id, example(3).id, example(4).id])
            #expect(Set(ids(try await search(store, "widget -green"))) == [example(1).id, example(2).id])
            #expect(ids(try await search(store, #"green -"slightly blue""#)) == [example(3).id])
            #expect(Set(ids(try await search(store, "(gadget) OR widget -blue"))) == [example(3).id])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aMatchInTheNameRanksAboveOneInTheDescriptionThenNewestFirst(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            // Descriptions of one length: SQLite's bm25 prefers shorter fields, PostgreSQL's ts_rank does not.
            try await store.examples.insert(example(1, name: "Dock", description: "harbour wall", at: 5))
            try await store.examples.insert(example(2, name: "Harbour master", at: 1))
            try await store.examples.insert(example(3, name: "Harbour light", at: 2))
            try await store.examples.insert(example(4, name: "Quay", description: "harbour side", at: 3))

            let page = try await search(store, "harbour")

            #expect(ids(page) == [example(3).id, example(2).id, example(1).id, example(4).id])
            #expect(page.items[0].rank > page.items[2].rank)
            #expect(page.items[0].rank == page.items[1].rank)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func pagesAgreeWithTheTotal(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            for number in 1...7 { try await store.examples.insert(example(number, name: "Crate \(number)", at: Int64(number))) }
            try await store.examples.insert(example(8, name: "Barrel", at: 8))

            let first = try await search(store, "crate", page: 1, limit: 3)
            let last = try await search(store, "crate", page: 3, limit: 3)
            let beyond = try await search(store, "crate", page: 4, limit: 3)

            #expect(ids(first) == [example(7).id, example(6).id, example(5).id])
            #expect(ids(last) == [example(1).id])
            #expect(beyond.items.isEmpty)
            #expect([first.total, last.total, beyond.total] == [Int](repeating: 7, count: 3))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func matchesAreHighlightedInTheFieldsTheyAreIn(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.examples.insert(example(1, name: "The Blue Widget", description: "a widget, in blue", at: 1))
            try await store.examples.insert(example(2, name: "Widget", at: 2))

            let page = try await search(store, "widget")
            let withDescription = try #require(page.items.first { $0.item.id == example(1).id })
            let withoutDescription = try #require(page.items.first { $0.item.id == example(2).id })

            #expect(
                withDescription.highlights["name"] == [
                    HighlightPiece(text: "The Blue ", match: false), HighlightPiece(text: "Widget", match: true),
                ])
            #expect(
                withDescription.highlights["description"] == [
                    HighlightPiece(text: "a ", match: false), HighlightPiece(text: "widget", match: true),
                    HighlightPiece(text: ", in blue", match: false),
                ])
            #expect(withoutDescription.highlights["name"] == [HighlightPiece(text: "Widget", match: true)])
            #expect(withoutDescription.highlights["description"] == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func theIndexFollowsEveryWrite(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            var renamed = example(1, name: "Anchor", at: 1)
            try await store.examples.insert(renamed)
            try await store.examples.insert(example(2, name: "Anchor chain", at: 2))
            #expect(try await search(store, "anchor").total == 2)

            renamed.name = "Mooring"
            renamed.description = "was an anchor"
            #expect(try await store.examples.update(renamed))
            #expect(try await store.examples.softDelete(id: example(2).id, at: Date(timeIntervalSince1970: 10)))

            #expect(ids(try await search(store, "mooring")) == [example(1).id])
            let anchor = try await search(store, "anchor")
            #expect(ids(anchor) == [example(1).id])
            #expect(anchor.items.first?.highlights["name"] == [HighlightPiece(text: "Mooring", match: false)])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func queryTextIsNeverAnOperator(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.examples.insert(example(1, name: "name:value NEAR(a b) x* 'quoted' & | ! <-> ^ :A", at: 1))
            try await store.examples.insert(example(2, name: "Plain", at: 2))

            // Each of these is plain words to every engine: no syntax error, no column filter, no prefix search.
            for text in ["name:value", "NEAR(a b)", "x*", "'quoted'", "a & b | !value", "A:*", #""quoted"#, "x <-> value"] {
                #expect(ids(try await search(store, text)) == [example(1).id], "\(text)")
            }
            #expect(try await search(store, "name value").total == 1)
            #expect(try await search(store, "Plain -name:value").total == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func lettersBeyondASCIIAreWordsToo(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.examples.insert(example(1, name: "Café Crème", at: 1))
            try await store.examples.insert(example(2, name: "Straße 42", at: 2))

            #expect(ids(try await search(store, "CRÈME")) == [example(1).id])
            #expect(ids(try await search(store, "straße")) == [example(2).id])
            #expect(ids(try await search(store, "42")) == [example(2).id])
            // Accents count: "creme" is another word.
            #expect(try await search(store, "creme").total == 0)
        }
    }
}
