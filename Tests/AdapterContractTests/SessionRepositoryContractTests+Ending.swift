import Domain
import Foundation
import Testing

/// Ending sessions: revoking one or all, listing the live ones, purging the ended ones.
extension SessionRepositoryContractTests {
    @Test(arguments: StoreKind.allCases)
    func revokeEndsALiveSessionOnce(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await insertUsers(1, into: store)
            try await store.sessions.insert(session(1, of: uuid(1), expiresAt: 10_000))
            try await store.sessions.insert(session(2, of: uuid(1), expiresAt: 3_000))

            #expect(try await store.sessions.revoke(id: uuid(1), at: ms(2_000), reason: "logout"))
            #expect(try await store.sessions.revoke(id: uuid(1), at: ms(2_500), reason: "again") == false)
            #expect(try await store.sessions.revoke(id: uuid(9), at: ms(2_000), reason: "logout") == false)
            // An expired session is not live: there is nothing left to revoke.
            #expect(try await store.sessions.revoke(id: uuid(2), at: ms(3_000), reason: "logout") == false)

            let revoked = try await store.sessions.find(id: uuid(1))
            #expect(revoked?.revokedAt == ms(2_000))
            #expect(revoked?.revocationReason == "logout")
            #expect(try await store.sessions.find(id: uuid(2))?.revokedAt == nil)
            #expect(try await store.sessions.rotate(from: "digest-1", to: "next", now: ms(2_100), expiresAt: ms(9_000)) == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func revokeAllEndsTheUsersLiveSessionsExceptTheOneKept(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await insertUsers(1, 2, into: store)
            let earlier = session(4, of: uuid(1), revokedAt: 1_500)
            let expired = session(5, of: uuid(1), expiresAt: 1_800)
            let otherUser = session(6, of: uuid(2))
            for number in 1...3 { try await store.sessions.insert(session(number, of: uuid(1))) }
            for item in [earlier, expired, otherUser] { try await store.sessions.insert(item) }

            let revoked = try await store.sessions.revokeAll(userID: uuid(1), except: uuid(2), at: ms(2_000), reason: "password changed")

            #expect(revoked == 2)
            for number in [1, 3] {
                let ended = try await store.sessions.find(id: uuid(number))
                #expect(ended?.revokedAt == ms(2_000))
                #expect(ended?.revocationReason == "password changed")
            }
            #expect(try await store.sessions.find(id: uuid(2))?.revokedAt == nil)
            #expect(try await store.sessions.find(id: earlier.id) == earlier)
            #expect(try await store.sessions.find(id: expired.id) == expired)
            #expect(try await store.sessions.find(id: otherUser.id) == otherUser)

            let rest = try await store.sessions.revokeAll(userID: uuid(1), except: nil, at: ms(3_000), reason: "signed out everywhere")
            #expect(rest == 1)
            #expect(try await store.sessions.find(id: uuid(2))?.revocationReason == "signed out everywhere")
            #expect(try await store.sessions.listAlive(userID: uuid(1), now: ms(3_000)).isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func listAliveKeepsLiveSessionsMostRecentlyUsedFirst(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await insertUsers(1, 2, into: store)
            let sessions = [
                session(1, of: uuid(1), lastUsedAt: 3_000),
                session(2, of: uuid(1), lastUsedAt: 5_000),
                session(3, of: uuid(1), lastUsedAt: 4_000),
                session(4, of: uuid(1), lastUsedAt: 6_000, revokedAt: 6_500),
                session(5, of: uuid(1), lastUsedAt: 7_000, expiresAt: 8_000),
                session(6, of: uuid(2), lastUsedAt: 9_000),
                session(7, of: uuid(1), lastUsedAt: 3_000),
            ]
            for item in sessions { try await store.sessions.insert(item) }

            let alive = try await store.sessions.listAlive(userID: uuid(1), now: ms(8_000))

            // Equal use times fall back to the id, highest first.
            #expect(alive.map(\.id) == [2, 3, 7, 1].map(uuid))
            #expect(alive.first == sessions[1])
            #expect(try await store.sessions.listAlive(userID: uuid(1), now: ms(7_999)).map(\.id) == [5, 2, 3, 7, 1].map(uuid))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func purgeDeletesSessionsEndedBeforeTheDateWithTheirRetiredDigests(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await insertUsers(1, into: store)
            try await store.sessions.insert(session(1, of: uuid(1), digest: "old", expiresAt: 1_000))
            _ = try await store.sessions.rotate(from: "old", to: "rotated", now: ms(500), expiresAt: ms(1_000))
            try await store.sessions.insert(session(2, of: uuid(1), revokedAt: 1_500))
            try await store.sessions.insert(session(3, of: uuid(1), revokedAt: 2_500))
            try await store.sessions.insert(session(4, of: uuid(1), expiresAt: 2_000))
            try await store.sessions.insert(session(5, of: uuid(1), expiresAt: 10_000))
            #expect(try await store.sessions.find(retiredTokenDigest: "old")?.id == uuid(1))

            let purged = try await store.sessions.purge(endedBefore: ms(2_000))

            #expect(purged == 2)
            #expect(try await store.sessions.find(id: uuid(1)) == nil)
            #expect(try await store.sessions.find(id: uuid(2)) == nil)
            #expect(try await store.sessions.find(retiredTokenDigest: "old") == nil)
            for kept in 3...5 { #expect(try await store.sessions.find(id: uuid(kept)) != nil) }
            #expect(try await store.sessions.purge(endedBefore: ms(2_000)) == 0)
        }
    }
}
