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
    func theOwnerIsStoredAndSurvivesUpdates(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            var owned = example(1, owner: uuid(42), name: "owned", at: 1)
            try await store.examples.insert(owned)
            try await store.examples.insert(example(2, owner: nil, name: "ownerless", at: 2))
            owned.name = "renamed"
            _ = try await store.examples.update(owned)

            #expect(try await store.examples.find(id: owned.id) == owned)
            #expect(try await store.examples.find(id: owned.id)?.ownerID == uuid(42))
            let listed = try await store.examples.list(search: nil, page: PageRequest(page: 1, limit: 10))
            #expect(listed.items.map(\.ownerID) == [nil, uuid(42)])
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

/// An example created at `millisecond` (since 1970) with id number `number`.
func example(
    _ number: Int, owner: UUID? = nil, name: String = "example", description: String? = nil, at millisecond: Int64 = 1_000
) -> Example {
    Example(
        id: uuid(number),
        ownerID: owner,
        name: name,
        description: description,
        createdAt: Date(millisecondsSince1970: millisecond),
        updatedAt: Date(millisecondsSince1970: millisecond)
    )
}
