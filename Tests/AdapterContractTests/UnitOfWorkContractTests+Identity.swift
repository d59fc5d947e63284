import Domain
import Foundation
import Testing

/// Transactions over the identity repositories: every repository joins the one transaction, including the
/// compare-and-set writes (rotate, consume) that open a transaction of their own when called alone.
extension UnitOfWorkContractTests {
    @Test(arguments: StoreKind.allCases)
    func aFailingTransactionUndoesUsersSessionsTokensAndAuditEvents(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.users.insert(user(1, name: "Original"))
            try await store.sessions.insert(session(1, of: uuid(1), digest: "current"))
            try await store.oneTimeTokens.insert(oneTimeToken("link", of: uuid(1)))

            await #expect(throws: Abort.self) {
                try await store.unitOfWork.transaction { repositories in
                    try await repositories.users.insert(user(2))
                    _ = try await repositories.users.update(user(1, name: "Changed"))
                    try await repositories.sessions.insert(session(2, of: uuid(2)))
                    #expect(try await repositories.sessions.rotate(from: "current", to: "next", now: ms(2_000), expiresAt: ms(9_000)) != nil)
                    #expect(try await repositories.oneTimeTokens.consume(digest: "link", purpose: .emailVerification, now: ms(2_000)) != nil)
                    try await repositories.oneTimeTokens.insert(oneTimeToken("another", of: uuid(2)))
                    try await repositories.auditLog.record(auditEvent(1, at: 2_000, actor: uuid(1)))
                    throw Abort()
                }
            }

            #expect(try await store.users.find(id: uuid(2)) == nil)
            #expect(try await store.users.find(id: uuid(1))?.name == "Original")
            #expect(try await store.sessions.find(id: uuid(2)) == nil)
            #expect(try await store.sessions.find(refreshTokenDigest: "current")?.id == uuid(1))
            #expect(try await store.sessions.find(retiredTokenDigest: "current") == nil)
            #expect(try await store.oneTimeTokens.consume(digest: "another", purpose: .emailVerification, now: ms(2_000)) == nil)
            #expect(try await store.auditLog.list(filter: AuditFilter(), page: PageRequest(page: 1, limit: 10)).total == 0)
            #expect(try await store.oneTimeTokens.consume(digest: "link", purpose: .emailVerification, now: ms(2_000)) != nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aCommittedTransactionKeepsRotationConsumptionAndTheAuditTrail(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.users.insert(user(1))
            try await store.sessions.insert(session(1, of: uuid(1), digest: "current"))
            try await store.oneTimeTokens.insert(oneTimeToken("link", of: uuid(1)))

            try await store.unitOfWork.transaction { repositories in
                _ = try await repositories.sessions.rotate(from: "current", to: "next", now: ms(2_000), expiresAt: ms(9_000))
                _ = try await repositories.oneTimeTokens.consume(digest: "link", purpose: .emailVerification, now: ms(2_000))
                try await repositories.auditLog.record(auditEvent(1, at: 2_000, actor: uuid(1)))
                // Inside the transaction its own writes are visible.
                #expect(try await repositories.sessions.find(retiredTokenDigest: "current")?.refreshTokenDigest == "next")
            }

            #expect(try await store.sessions.find(refreshTokenDigest: "next")?.id == uuid(1))
            #expect(try await store.sessions.find(retiredTokenDigest: "current")?.id == uuid(1))
            #expect(try await store.oneTimeTokens.consume(digest: "link", purpose: .emailVerification, now: ms(3_000)) == nil)
            #expect(try await store.auditLog.list(filter: AuditFilter(actorID: uuid(1)), page: PageRequest(page: 1, limit: 10)).total == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aTakenEmailInsideATransactionIsAConflictToo(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.users.insert(user(1, email: "taken@example.com"))

            await #expect(throws: DomainError.conflict("Email is already registered")) {
                try await store.unitOfWork.transaction { repositories in
                    try await repositories.users.insert(user(2, email: "taken@example.com"))
                }
            }
            #expect(try await store.users.find(id: uuid(2)) == nil)
        }
    }
}

extension UnitOfWorkContractTests {
    @Test(arguments: StoreKind.allCases)
    func aUserReadInsideATransactionStaysLockedSoNoUpdateIsLost(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.users.insert(user(1))

            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 1...10 {
                    group.addTask {
                        try await store.unitOfWork.transaction { repositories in
                            guard var current = try await repositories.users.find(id: uuid(1)) else { return }
                            current.failedLoginAttempts += 1
                            _ = try await repositories.users.update(current)
                        }
                    }
                }
                try await group.waitForAll()
            }

            #expect(try await store.users.find(id: uuid(1))?.failedLoginAttempts == 10)
        }
    }
}
