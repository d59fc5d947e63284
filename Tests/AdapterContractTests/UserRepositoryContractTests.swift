import Domain
import Foundation
import Testing

/// The contract every `UserRepository` adapter keeps: same tests, same expectations, every adapter.
@Suite struct UserRepositoryContractTests {
    @Test(arguments: StoreKind.allCases)
    func insertedUsersAreFoundByIdAndEmailExactlyAsStored(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let full = User(
                id: uuid(1), name: "Åda Lovelace 'quoted'", email: "ada@example.com", pendingEmail: "ada@new.example", role: .admin,
                passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", emailVerifiedAt: ms(1_500), isActive: false,
                failedLoginAttempts: 3, lockedUntil: ms(9_000), passwordChangedAt: ms(1_200), createdAt: ms(1_000), updatedAt: ms(2_000)
            )
            let plain = user(2)
            try await store.users.insert(full)
            try await store.users.insert(plain)

            #expect(try await store.users.find(id: full.id) == full)
            #expect(try await store.users.find(email: "ada@example.com") == full)
            #expect(try await store.users.find(id: plain.id) == plain)
            #expect(try await store.users.find(email: plain.email) == plain)
            #expect(try await store.users.find(id: uuid(3)) == nil)
            #expect(try await store.users.find(email: "ada@new.example") == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aTakenEmailIsAConflict(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.users.insert(user(1, email: "taken@example.com"))

            await #expect(throws: DomainError.conflict("Email is already registered")) {
                try await store.users.insert(user(2, email: "taken@example.com"))
            }
            #expect(try await store.users.find(id: uuid(2)) == nil)
            #expect(try await store.users.find(email: "taken@example.com")?.id == uuid(1))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func concurrentRegistrationsOfOneEmailLetExactlyOneIn(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let outcomes = await withTaskGroup(of: Result<Int, any Error>.self) { group in
                for number in 1...20 {
                    group.addTask {
                        do {
                            try await store.users.insert(user(number, email: "race@example.com"))
                            return .success(number)
                        } catch {
                            return .failure(error)
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }

            let winners = outcomes.compactMap { try? $0.get() }
            let errors = outcomes.compactMap { outcome -> (any Error)? in
                if case .failure(let error) = outcome { return error }
                return nil
            }
            let registered = try await store.users.find(email: "race@example.com")
            let everyone = try await store.users.list(search: nil, role: nil, page: PageRequest(page: 1, limit: 100))

            #expect(winners.count == 1)
            #expect(errors.count == 19)
            #expect(errors.allSatisfy { ($0 as? DomainError) == .conflict("Email is already registered") })
            #expect(registered?.id == winners.first.map(uuid))
            #expect(everyone.total == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aDeletedUsersEmailCanBeRegisteredAgain(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.users.insert(user(1, email: "again@example.com"))

            #expect(try await store.users.softDelete(id: uuid(1), at: ms(2_000)))
            #expect(try await store.users.softDelete(id: uuid(1), at: ms(3_000)) == false)
            #expect(try await store.users.find(id: uuid(1)) == nil)
            #expect(try await store.users.find(email: "again@example.com") == nil)
            try await store.users.insert(user(2, email: "again@example.com"))

            #expect(try await store.users.find(email: "again@example.com")?.id == uuid(2))
            #expect(try await store.users.softDelete(id: uuid(9), at: ms(3_000)) == false)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func updateSavesEveryMutableFieldOfLiveUsersOnly(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            var stored = user(1, at: 1_000)
            try await store.users.insert(stored)
            stored.name = "Renamed"
            stored.email = "renamed@example.com"
            stored.pendingEmail = "next@example.com"
            stored.role = .admin
            stored.passwordHash = "$argon2id$new"
            stored.emailVerifiedAt = ms(1_100)
            stored.isActive = false
            stored.failedLoginAttempts = 4
            stored.lockedUntil = ms(5_000)
            stored.passwordChangedAt = ms(1_200)
            stored.updatedAt = ms(1_300)

            #expect(try await store.users.update(stored))
            #expect(try await store.users.find(id: stored.id) == stored)
            #expect(try await store.users.find(email: "renamed@example.com") == stored)
            #expect(try await store.users.find(email: "user1@example.com") == nil)
            #expect(try await store.users.update(user(2)) == false)
            _ = try await store.users.softDelete(id: stored.id, at: ms(2_000))
            #expect(try await store.users.update(stored) == false)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func updateToAnotherLiveUsersEmailIsAConflict(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.users.insert(user(1, email: "first@example.com"))
            try await store.users.insert(user(2, email: "second@example.com"))
            try await store.users.insert(user(3, email: "gone@example.com"))
            _ = try await store.users.softDelete(id: uuid(3), at: ms(2_000))
            var second = user(2, email: "first@example.com")

            await #expect(throws: DomainError.conflict("Email is already registered")) {
                _ = try await store.users.update(second)
            }
            #expect(try await store.users.find(id: uuid(2))?.email == "second@example.com")
            // Keeping one's own email is no conflict, and a deleted user's email is free.
            #expect(try await store.users.update(user(1, name: "Same email", email: "first@example.com")))
            second.email = "gone@example.com"
            #expect(try await store.users.update(second))
            #expect(try await store.users.find(email: "gone@example.com")?.id == uuid(2))
        }
    }
}
