import Domain
import Foundation
import TestSupport
import Testing

/// The contract of the unit-of-work port: all of a transaction's writes, or none.
@Suite struct UnitOfWorkContractTests {
    struct Abort: Error {}

    @Test(arguments: StoreKind.allCases)
    func committedWritesAreVisibleAfterwards(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.unitOfWork.transaction { repositories in
                try await repositories.examples.insert(example(1, at: 1))
                try await repositories.examples.insert(example(2, at: 2))
                // The transaction reads its own writes.
                #expect(try await repositories.examples.find(id: example(1).id) != nil)
            }
            #expect(try await store.examples.list(search: nil, page: PageRequest(page: 1, limit: 10)).total == 2)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aFailingTransactionLeavesNothingBehind(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.examples.insert(example(1, name: "original", at: 1))

            await #expect(throws: Abort.self) {
                try await store.unitOfWork.transaction { repositories in
                    try await repositories.examples.insert(example(2, at: 2))
                    _ = try await repositories.examples.update(example(1, name: "changed", at: 1))
                    _ = try await repositories.examples.softDelete(id: example(1).id, at: Date(millisecondsSince1970: 3))
                    throw Abort()
                }
            }

            #expect(try await store.examples.find(id: example(2).id) == nil)
            #expect(try await store.examples.find(id: example(1).id)?.name == "original")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func uncommittedWritesAreInvisibleToOthers(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let (inserted, insertedSignal) = AsyncStream.makeStream(of: Void.self)
            let (checked, checkedSignal) = AsyncStream.makeStream(of: Void.self)
            async let transaction: Void = store.unitOfWork.transaction { repositories in
                try await repositories.examples.insert(example(1, at: 1))
                insertedSignal.yield()
                for await _ in checked { break }
            }
            for await _ in inserted { break }
            let seenDuringTransaction = try await store.examples.find(id: example(1).id)
            checkedSignal.yield()
            try await transaction

            #expect(seenDuringTransaction == nil)
            #expect(try await store.examples.find(id: example(1).id) != nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func concurrentTransactionsDoNotLoseWrites(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for number in 1...20 {
                    group.addTask {
                        try await store.unitOfWork.transaction { repositories in
                            try await repositories.examples.insert(example(number, at: Int64(number)))
                        }
                    }
                    group.addTask { try await store.examples.insert(example(100 + number, at: Int64(100 + number))) }
                }
                try await group.waitForAll()
            }
            #expect(try await store.examples.list(search: nil, page: PageRequest(page: 1, limit: 100)).total == 40)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func writingAroundTheTransactionFailsInsteadOfDeadlocking(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let outcome = try await withTimeout(10) {
                do {
                    try await store.unitOfWork.transaction { _ in
                        try await store.examples.insert(example(1, at: 1))
                    }
                    return "completed"
                } catch is ReentrantLockError {
                    return "refused"
                }
            }
            #expect(outcome == "refused")
            #expect(try await store.examples.find(id: example(1).id) == nil)
        }
    }
}
