import Domain
import Foundation
import Testing

/// The contract of the outbox on every store: requests come back oldest first until removed, and a request added in
/// a transaction that rolls back was never there.
@Suite struct OutboxContractTests {
    func request(_ number: Int, runAt: Date? = nil) -> JobRequest {
        JobRequest(
            id: uuid(number), queue: "email", kind: "email.verification", payload: ["userId": "u\(number)", "note": "ä \u{1F600}"], runAt: runAt)
    }

    @Test(arguments: StoreKind.allCases)
    func requestsComeBackOldestFirstUntilRemoved(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.outbox.add(request(2, runAt: ms(9_000)), now: ms(2_000))
            try await store.outbox.add(request(1), now: ms(1_000))
            try await store.outbox.add(request(3), now: ms(3_000))

            #expect(try await store.outbox.next(limit: 2) == [request(1), request(2, runAt: ms(9_000))])
            #expect(try await store.outbox.remove(id: uuid(1)))
            #expect(try await !store.outbox.remove(id: uuid(1)))
            #expect(try await store.outbox.next(limit: 10) == [request(2, runAt: ms(9_000)), request(3)])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aRequestKeepsItsTraceContext(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let trace = ["traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"]
            try await store.outbox.add(request(1).tracing(trace), now: ms(1_000))
            try await store.outbox.add(request(2), now: ms(2_000))

            let kept = try await store.outbox.next(limit: 10)
            #expect(kept.map(\.traceContext) == [trace, [:]])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aKnownIdIsKeptOnce(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.outbox.add(request(1), now: ms(1_000))
            try await store.outbox.add(request(1), now: ms(2_000))

            #expect(try await store.outbox.next(limit: 10) == [request(1)])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aRequestAddedInATransactionThatRollsBackWasNeverThere(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            await #expect(throws: DrillFailure.self) {
                try await store.unitOfWork.transaction { repositories in
                    try await repositories.outbox.add(request(1), now: ms(1_000))
                    throw DrillFailure()
                }
            }
            try await store.unitOfWork.transaction { repositories in try await repositories.outbox.add(request(2), now: ms(2_000)) }

            #expect(try await store.outbox.next(limit: 10) == [request(2)])
        }
    }
}
