import Domain
import Foundation
import Testing

/// The contract every `SessionRepository` adapter keeps: same tests, same expectations, every adapter.
@Suite struct SessionRepositoryContractTests {
    @Test(arguments: StoreKind.allCases)
    func insertedSessionsAreFoundByIdAndCurrentDigest(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await insertUsers(1, into: store)
            let live = session(1, of: uuid(1), digest: "live")
            let ended = session(2, of: uuid(1), digest: "ended", revokedAt: 2_000)
            let anonymous = Session(
                id: uuid(3), userID: uuid(1), refreshTokenDigest: "anonymous", userAgent: nil, clientAddress: nil, createdAt: ms(1),
                lastUsedAt: ms(2), expiresAt: ms(3), absoluteExpiresAt: ms(4)
            )
            for item in [live, ended, anonymous] { try await store.sessions.insert(item) }

            #expect(try await store.sessions.find(id: live.id) == live)
            #expect(try await store.sessions.find(id: ended.id) == ended)
            #expect(try await store.sessions.find(refreshTokenDigest: "anonymous") == anonymous)
            #expect(try await store.sessions.find(refreshTokenDigest: "ended") == ended)
            #expect(try await store.sessions.find(id: uuid(9)) == nil)
            #expect(try await store.sessions.find(refreshTokenDigest: "unknown") == nil)
            #expect(try await store.sessions.find(retiredTokenDigest: "live") == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aSessionIsFoundWithItsLiveUserInOneRead(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await insertUsers(1, 2, into: store)
            let mine = session(1, of: uuid(1), digest: "mine")
            try await store.sessions.insert(mine)

            let found = try await store.sessions.find(sessionID: mine.id, userID: uuid(1))
            let otherUser = try await store.sessions.find(sessionID: mine.id, userID: uuid(2))
            let noSession = try await store.sessions.find(sessionID: uuid(9), userID: uuid(1))
            _ = try await store.users.softDelete(id: uuid(1), at: ms(5))
            let deletedUser = try await store.sessions.find(sessionID: mine.id, userID: uuid(1))

            #expect(found?.session == mine)
            #expect(found?.user == user(1))
            #expect(otherUser == nil)
            #expect(noSession == nil)
            #expect(deletedUser == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func rotationReplacesTheDigestAndRemembersTheOldOne(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await insertUsers(1, into: store)
            let original = session(1, of: uuid(1), digest: "first", lastUsedAt: 1_000, expiresAt: 10_000, absoluteExpiresAt: 100_000)
            try await store.sessions.insert(original)

            let rotated = try await store.sessions.rotate(from: "first", to: "second", now: ms(5_000), expiresAt: ms(20_000))

            var expected = original
            expected.refreshTokenDigest = "second"
            expected.lastUsedAt = ms(5_000)
            expected.expiresAt = ms(20_000)
            #expect(rotated == expected)
            #expect(try await store.sessions.find(id: original.id) == expected)
            #expect(try await store.sessions.find(refreshTokenDigest: "second") == expected)
            #expect(try await store.sessions.find(refreshTokenDigest: "first") == nil)
            #expect(try await store.sessions.find(retiredTokenDigest: "first") == expected)
            #expect(try await store.sessions.find(retiredTokenDigest: "second") == nil)
            // The retired token no longer rotates.
            #expect(try await store.sessions.rotate(from: "first", to: "third", now: ms(6_000), expiresAt: ms(20_000)) == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func rotationNeverExtendsPastTheAbsoluteExpiry(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await insertUsers(1, into: store)
            try await store.sessions.insert(session(1, of: uuid(1), digest: "first", expiresAt: 10_000, absoluteExpiresAt: 15_000))

            let rotated = try await store.sessions.rotate(from: "first", to: "second", now: ms(9_000), expiresAt: ms(20_000))

            #expect(rotated?.expiresAt == ms(15_000))
            #expect(try await store.sessions.find(id: uuid(1))?.expiresAt == ms(15_000))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func rotationRefusesRevokedAndExpiredSessions(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await insertUsers(1, into: store)
            let revoked = session(1, of: uuid(1), digest: "revoked", expiresAt: 10_000, revokedAt: 2_000)
            let expired = session(2, of: uuid(1), digest: "expired", expiresAt: 5_000)
            for item in [revoked, expired] { try await store.sessions.insert(item) }

            // A session whose token expires at this very instant is no longer alive.
            let atExpiry = try await store.sessions.rotate(from: "expired", to: "next-1", now: ms(5_000), expiresAt: ms(20_000))
            let afterRevocation = try await store.sessions.rotate(from: "revoked", to: "next-2", now: ms(3_000), expiresAt: ms(20_000))

            #expect(atExpiry == nil)
            #expect(afterRevocation == nil)
            #expect(try await store.sessions.find(id: revoked.id) == revoked)
            #expect(try await store.sessions.find(id: expired.id) == expired)
            #expect(try await store.sessions.find(retiredTokenDigest: "expired") == nil)
            #expect(try await store.sessions.find(retiredTokenDigest: "revoked") == nil)
            // Just before expiry the same session still rotates: the refusal above was about time, nothing else.
            #expect(try await store.sessions.rotate(from: "expired", to: "next-3", now: ms(4_999), expiresAt: ms(20_000)) != nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func concurrentRotationsOfOneTokenLetExactlyOneThrough(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await insertUsers(1, into: store)
            try await store.sessions.insert(session(1, of: uuid(1), digest: "contested"))

            let results = try await withThrowingTaskGroup(of: Session?.self) { group in
                for attempt in 1...6 {
                    group.addTask {
                        try await store.sessions.rotate(from: "contested", to: "next-\(attempt)", now: ms(2_000), expiresAt: ms(20_000))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }

            let winners = results.compactMap { $0 }
            #expect(winners.count == 1)
            let winner = try #require(winners.first)
            #expect(try await store.sessions.find(id: uuid(1))?.refreshTokenDigest == winner.refreshTokenDigest)
            #expect(try await store.sessions.find(retiredTokenDigest: "contested")?.id == uuid(1))
        }
    }
}
