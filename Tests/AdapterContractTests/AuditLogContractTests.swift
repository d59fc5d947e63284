import Domain
import Foundation
import Testing

/// The contract every `AuditLog` adapter keeps: same tests, same expectations, every adapter.
@Suite struct AuditLogContractTests {
    static let alice = uuid(101)
    static let bob = uuid(102)
    static let everything = PageRequest(page: 1, limit: 100)

    @Test(arguments: StoreKind.allCases)
    func recordedEventsComeBackExactlyAsRecorded(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let full = AuditEvent(
                id: uuid(1), occurredAt: ms(1_764_000_000_123), actorID: Self.alice, action: "user.role_changed", targetID: "user:42",
                outcome: .failure, clientAddress: "2001:db8::1", userAgent: "curl/8.7", requestID: "req-1", detail: "not permitted: ünïcödé"
            )
            let sparse = auditEvent(2, at: 1_000)
            try await store.auditLog.record(full)
            try await store.auditLog.record(sparse)

            let page = try await store.auditLog.list(filter: AuditFilter(), page: Self.everything)

            #expect(page.items == [full, sparse])
            #expect(page.total == 2)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func listsNewestFirstWithIdBreakingTiesAndPages(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            for number in 1...12 { try await store.auditLog.record(auditEvent(number, at: Int64(number), actor: Self.alice)) }
            try await store.auditLog.record(auditEvent(13, at: 12, actor: Self.alice))
            for number in 14...20 { try await store.auditLog.record(auditEvent(number, at: Int64(number), actor: Self.bob)) }

            let first = try await store.auditLog.list(filter: AuditFilter(), page: PageRequest(page: 1, limit: 3))
            let alicesSecond = try await store.auditLog.list(filter: AuditFilter(actorID: Self.alice), page: PageRequest(page: 2, limit: 5))
            let alicesLast = try await store.auditLog.list(filter: AuditFilter(actorID: Self.alice), page: PageRequest(page: 3, limit: 5))

            #expect(first.items.map(\.id) == [20, 19, 18].map(uuid))
            #expect(first.total == 20)
            #expect(alicesSecond.items.map(\.id) == [8, 7, 6, 5, 4].map(uuid))
            #expect(alicesSecond.total == 13)
            #expect(alicesSecond.totalPages == 3)
            #expect(alicesLast.items.map(\.id) == [3, 2, 1].map(uuid))
            // Equal times fall back to the id, highest first.
            let alicesFirst = try await store.auditLog.list(filter: AuditFilter(actorID: Self.alice), page: PageRequest(page: 1, limit: 2))
            #expect(alicesFirst.items.map(\.id) == [13, 12].map(uuid))
        }
    }

    /// Each filter alone, then together: the ids (newest first) each must keep.
    static let filterCases: [(filter: AuditFilter, expected: [Int])] = [
        (AuditFilter(actorID: alice), [5, 3, 1]),
        (AuditFilter(action: "auth.login"), [5, 4, 2, 1]),
        (AuditFilter(from: ms(3_000)), [5, 4, 3]),
        (AuditFilter(to: ms(3_000)), [2, 1]),
        (AuditFilter(from: ms(2_000), to: ms(4_000)), [3, 2]),
        (AuditFilter(actorID: alice, action: "auth.login"), [5, 1]),
        (AuditFilter(actorID: alice, action: "auth.login", from: ms(1_000), to: ms(5_000)), [1]),
        (AuditFilter(actorID: bob, action: "user.update"), []),
    ]

    @Test(arguments: StoreKind.allCases)
    func filtersAloneAndCombinedKeepOnlyMatchingEvents(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.auditLog.record(auditEvent(1, at: 1_000, actor: Self.alice, action: "auth.login"))
            try await store.auditLog.record(auditEvent(2, at: 2_000, actor: Self.bob, action: "auth.login"))
            try await store.auditLog.record(auditEvent(3, at: 3_000, actor: Self.alice, action: "user.update"))
            try await store.auditLog.record(auditEvent(4, at: 4_000, actor: nil, action: "auth.login"))
            try await store.auditLog.record(auditEvent(5, at: 5_000, actor: Self.alice, action: "auth.login"))

            for (filter, expected) in Self.filterCases {
                let page = try await store.auditLog.list(filter: filter, page: Self.everything)
                #expect(page.items.map(\.id) == expected.map(uuid), "filter \(filter)")
                #expect(page.total == expected.count, "filter \(filter)")
            }
        }
    }
}
