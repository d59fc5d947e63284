import Domain
import Foundation
import Testing

/// The contract every `ExampleRepository` adapter keeps: same tests, same expectations, every adapter.
@Suite struct ExampleRepositoryContractTests {
    @Test(arguments: StoreKind.allCases)
    func insertedExamplesAreFoundExactlyAsStored(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let stored = example(1, name: "Quay", description: "with ünïcödé and 'quotes'", at: 1_764_000_000_123)
            try await store.examples.insert(stored)

            #expect(try await store.examples.find(id: stored.id) == stored)
            #expect(try await store.examples.find(id: example(2).id) == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func textIsStoredByteForByteEvenWithNULs(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let stored = example(1, name: "before\u{0}after", description: "", at: 1)
            try await store.examples.insert(stored)
            #expect(try await store.examples.find(id: stored.id) == stored)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aNilDescriptionStaysNil(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.examples.insert(example(1, description: nil))
            #expect(try await store.examples.find(id: example(1).id)?.description == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func listsNewestFirstWithIdBreakingTies(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            for item in [example(1, at: 100), example(2, at: 300), example(3, at: 200), example(4, at: 300)] {
                try await store.examples.insert(item)
            }

            let page = try await store.examples.list(search: nil, page: PageRequest(page: 1, limit: 10))

            #expect(page.items.map(\.id) == [example(4).id, example(2).id, example(3).id, example(1).id])
            #expect(page.total == 4)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func pagesSkipAndCountEverything(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            for number in 1...25 { try await store.examples.insert(example(number, at: Int64(number))) }

            let third = try await store.examples.list(search: nil, page: PageRequest(page: 3, limit: 10))
            let beyond = try await store.examples.list(search: nil, page: PageRequest(page: 4, limit: 10))

            #expect(third.items.map(\.id) == (1...5).reversed().map { example($0).id })
            #expect(third.total == 25)
            #expect(third.totalPages == 3)
            #expect(beyond.items.isEmpty)
            #expect(beyond.total == 25)
        }
    }

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
    func updateChangesLiveExamplesOnly(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            var stored = example(1, name: "before", at: 1_000)
            try await store.examples.insert(stored)
            stored.name = "after"
            stored.description = "now described"
            stored.updatedAt = Date(millisecondsSince1970: 2_000)

            #expect(try await store.examples.update(stored))
            #expect(try await store.examples.find(id: stored.id) == stored)
            #expect(try await store.examples.update(example(9)) == false)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func softDeletedExamplesVanishFromEveryRead(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.examples.insert(example(1, name: "gone", at: 1))
            try await store.examples.insert(example(2, name: "kept", at: 2))

            #expect(try await store.examples.softDelete(id: example(1).id, at: Date(millisecondsSince1970: 5)))
            #expect(try await store.examples.softDelete(id: example(1).id, at: Date(millisecondsSince1970: 6)) == false)
            #expect(try await store.examples.find(id: example(1).id) == nil)
            #expect(try await store.examples.update(example(1, name: "revived")) == false)
            let page = try await store.examples.list(search: "gone", page: PageRequest(page: 1, limit: 10))
            #expect(page.total == 0)
            #expect(try await store.examples.list(search: nil, page: PageRequest(page: 1, limit: 10)).items.map(\.name) == ["kept"])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func concurrentInsertsAreAllKept(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for number in 1...50 {
                    group.addTask { try await store.examples.insert(example(number, at: Int64(number))) }
                }
                try await group.waitForAll()
            }
            #expect(try await store.examples.list(search: nil, page: PageRequest(page: 1, limit: 100)).total == 50)
        }
    }
}
