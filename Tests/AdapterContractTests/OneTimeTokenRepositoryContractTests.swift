import Domain
import Foundation
import Testing

/// The contract every `OneTimeTokenRepository` adapter keeps: same tests, same expectations, every adapter.
@Suite struct OneTimeTokenRepositoryContractTests {
    @Test(arguments: StoreKind.allCases)
    func consumeMarksTheTokenUsedAndReturnsItOnce(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await insertUsers(1, into: store)
            let stored = oneTimeToken("link", of: uuid(1), purpose: .passwordReset, expiresAt: 10_000)
            try await store.oneTimeTokens.insert(stored)

            let consumed = try await store.oneTimeTokens.consume(digest: "link", purpose: .passwordReset, now: ms(5_000))

            var expected = stored
            expected.usedAt = ms(5_000)
            #expect(consumed == expected)
            #expect(try await store.oneTimeTokens.consume(digest: "link", purpose: .passwordReset, now: ms(5_001)) == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func consumeRefusesAnotherPurposeExpiredUsedAndUnknownTokens(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await insertUsers(1, into: store)
            try await store.oneTimeTokens.insert(oneTimeToken("verify", of: uuid(1), purpose: .emailVerification, expiresAt: 10_000))
            try await store.oneTimeTokens.insert(oneTimeToken("expiring", of: uuid(1), expiresAt: 5_000))
            try await store.oneTimeTokens.insert(oneTimeToken("used", of: uuid(1), expiresAt: 10_000, usedAt: 1_000))

            #expect(try await store.oneTimeTokens.consume(digest: "verify", purpose: .passwordReset, now: ms(2_000)) == nil)
            #expect(try await store.oneTimeTokens.consume(digest: "expiring", purpose: .emailVerification, now: ms(5_000)) == nil)
            #expect(try await store.oneTimeTokens.consume(digest: "used", purpose: .emailVerification, now: ms(2_000)) == nil)
            #expect(try await store.oneTimeTokens.consume(digest: "unknown", purpose: .emailVerification, now: ms(2_000)) == nil)
            // The refusals changed nothing: each token still works where it should.
            #expect(try await store.oneTimeTokens.consume(digest: "verify", purpose: .emailVerification, now: ms(2_000)) != nil)
            #expect(try await store.oneTimeTokens.consume(digest: "expiring", purpose: .emailVerification, now: ms(4_999)) != nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func concurrentConsumptionsLetExactlyOneThrough(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await insertUsers(1, into: store)
            try await store.oneTimeTokens.insert(oneTimeToken("contested", of: uuid(1)))

            let results = try await withThrowingTaskGroup(of: OneTimeToken?.self) { group in
                for attempt in 1...8 {
                    group.addTask {
                        try await store.oneTimeTokens.consume(digest: "contested", purpose: .emailVerification, now: ms(1_000 + Int64(attempt)))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }

            #expect(results.compactMap { $0 }.count == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func invalidateUsesUpOnlyThatUsersUnusedTokensForThatPurpose(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await insertUsers(1, 2, into: store)
            try await store.oneTimeTokens.insert(oneTimeToken("older", of: uuid(1)))
            try await store.oneTimeTokens.insert(oneTimeToken("newer", of: uuid(1)))
            try await store.oneTimeTokens.insert(oneTimeToken("spent", of: uuid(1), usedAt: 700))
            try await store.oneTimeTokens.insert(oneTimeToken("reset", of: uuid(1), purpose: .passwordReset))
            try await store.oneTimeTokens.insert(oneTimeToken("someone-else", of: uuid(2)))

            let invalidated = try await store.oneTimeTokens.invalidate(userID: uuid(1), purpose: .emailVerification, at: ms(800))

            #expect(invalidated == 2)
            #expect(try await store.oneTimeTokens.consume(digest: "older", purpose: .emailVerification, now: ms(900)) == nil)
            #expect(try await store.oneTimeTokens.consume(digest: "newer", purpose: .emailVerification, now: ms(900)) == nil)
            #expect(try await store.oneTimeTokens.consume(digest: "reset", purpose: .passwordReset, now: ms(900)) != nil)
            #expect(try await store.oneTimeTokens.consume(digest: "someone-else", purpose: .emailVerification, now: ms(900)) != nil)
            #expect(try await store.oneTimeTokens.invalidate(userID: uuid(1), purpose: .emailVerification, at: ms(1_000)) == 0)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func invalidateCreatedSinceSparesOlderTokensOtherPurposesAndOtherUsers(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await insertUsers(1, 2, into: store)
            func token(_ digest: String, of owner: UUID, createdAt: Int64, purpose: OneTimeTokenPurpose = .emailChangeCancel) -> OneTimeToken {
                OneTimeToken(
                    digest: digest, purpose: purpose, userID: owner, email: "user@example.com", createdAt: ms(createdAt),
                    expiresAt: ms(10_000))
            }
            try await store.oneTimeTokens.insert(token("before", of: uuid(1), createdAt: 499))
            try await store.oneTimeTokens.insert(token("at", of: uuid(1), createdAt: 500))
            try await store.oneTimeTokens.insert(token("after", of: uuid(1), createdAt: 600))
            try await store.oneTimeTokens.insert(token("other-purpose", of: uuid(1), createdAt: 600, purpose: .emailVerification))
            try await store.oneTimeTokens.insert(token("someone-else", of: uuid(2), createdAt: 600))

            let invalidated = try await store.oneTimeTokens.invalidate(
                userID: uuid(1), purpose: .emailChangeCancel, createdSince: ms(500), at: ms(700))

            #expect(invalidated == 2)
            #expect(try await store.oneTimeTokens.consume(digest: "at", purpose: .emailChangeCancel, now: ms(800)) == nil)
            #expect(try await store.oneTimeTokens.consume(digest: "after", purpose: .emailChangeCancel, now: ms(800)) == nil)
            #expect(try await store.oneTimeTokens.consume(digest: "before", purpose: .emailChangeCancel, now: ms(800)) != nil)
            #expect(try await store.oneTimeTokens.consume(digest: "other-purpose", purpose: .emailVerification, now: ms(800)) != nil)
            #expect(try await store.oneTimeTokens.consume(digest: "someone-else", purpose: .emailChangeCancel, now: ms(800)) != nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func purgeDeletesTokensThatExpiredBeforeTheDate(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await insertUsers(1, into: store)
            try await store.oneTimeTokens.insert(oneTimeToken("early", of: uuid(1), expiresAt: 1_000))
            try await store.oneTimeTokens.insert(oneTimeToken("boundary", of: uuid(1), expiresAt: 2_000))
            try await store.oneTimeTokens.insert(oneTimeToken("late", of: uuid(1), expiresAt: 3_000))

            let purged = try await store.oneTimeTokens.purge(expiredBefore: ms(2_000))

            #expect(purged == 1)
            #expect(try await store.oneTimeTokens.purge(expiredBefore: ms(2_000)) == 0)
            // Consuming at a time when "early" was still valid shows it is gone, while the others remain.
            #expect(try await store.oneTimeTokens.consume(digest: "early", purpose: .emailVerification, now: ms(600)) == nil)
            #expect(try await store.oneTimeTokens.consume(digest: "boundary", purpose: .emailVerification, now: ms(600)) != nil)
            #expect(try await store.oneTimeTokens.consume(digest: "late", purpose: .emailVerification, now: ms(600)) != nil)
        }
    }
}
