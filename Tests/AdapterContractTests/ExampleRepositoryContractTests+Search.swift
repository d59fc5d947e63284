import Domain
import Foundation
import Testing

/// Searching examples: name or description, ASCII letters folded as SQLite's LIKE folds them, wildcards literal.
extension ExampleRepositoryContractTests {
    @Test(arguments: StoreKind.allCases)
    func searchMatchesNameOrDescriptionIgnoringCase(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.examples.insert(example(1, name: "Harbour Master", at: 1))
            try await store.examples.insert(example(2, name: "Dock", description: "near the HARBOUR wall", at: 2))
            try await store.examples.insert(example(3, name: "Lighthouse", at: 3))

            let page = try await store.examples.list(search: "harbour", page: PageRequest(page: 1, limit: 10))

            #expect(page.items.map(\.id) == [example(2).id, example(1).id])
            #expect(page.total == 2)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func searchFoldsOnlyASCIILetters(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.examples.insert(example(1, name: "Café crème", at: 1))
            try await store.examples.insert(example(2, name: "CAFÉ NOIR", at: 2))

            let upper = try await store.examples.list(search: "É", page: PageRequest(page: 1, limit: 10))
            let lower = try await store.examples.list(search: "é", page: PageRequest(page: 1, limit: 10))
            let ascii = try await store.examples.list(search: "caf", page: PageRequest(page: 1, limit: 10))

            // SQLite's LIKE folds A-Z only: "é" and "É" are different letters to it, and so to every adapter.
            #expect(upper.items.map(\.id) == [example(2).id])
            #expect(lower.items.map(\.id) == [example(1).id])
            #expect(ascii.items.map(\.id) == [example(2).id, example(1).id])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func searchTreatsWildcardsLiterally(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.examples.insert(example(1, name: "100% sure", at: 1))
            try await store.examples.insert(example(2, name: "100 percent", at: 2))
            try await store.examples.insert(example(3, name: "snake_case", at: 3))
            try await store.examples.insert(example(4, name: "snakeXcase", at: 4))
            try await store.examples.insert(example(5, name: #"back\slash"#, at: 5))

            let percent = try await store.examples.list(search: "0%", page: PageRequest(page: 1, limit: 10))
            let underscore = try await store.examples.list(search: "e_c", page: PageRequest(page: 1, limit: 10))
            let backslash = try await store.examples.list(search: #"k\s"#, page: PageRequest(page: 1, limit: 10))

            #expect(percent.items.map(\.id) == [example(1).id])
            #expect(underscore.items.map(\.id) == [example(3).id])
            #expect(backslash.items.map(\.id) == [example(5).id])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aWildcardCarryingACombiningMarkIsStillLiteral(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.examples.insert(example(1, name: "50%\u{301}b", at: 1))
            try await store.examples.insert(example(2, name: "fifty percent\u{301}b", at: 2))
            try await store.examples.insert(example(3, name: "snake_\u{301}x", at: 3))
            try await store.examples.insert(example(4, name: "snakeY\u{301}x", at: 4))

            // `%` and `_` followed by a combining mark are single Characters that are not `%` or `_`.
            let percent = try await store.examples.list(search: "%\u{301}b", page: PageRequest(page: 1, limit: 10))
            let underscore = try await store.examples.list(search: "_\u{301}x", page: PageRequest(page: 1, limit: 10))

            #expect(percent.items.map(\.id) == [example(1).id])
            #expect(underscore.items.map(\.id) == [example(3).id])
        }
    }
}
