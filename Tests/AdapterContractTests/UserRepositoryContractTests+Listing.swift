import Domain
import Foundation
import Testing

/// Listing users: newest first, paged, filtered by role and by a search that folds ASCII case only.
extension UserRepositoryContractTests {
    @Test(arguments: StoreKind.allCases)
    func listsLiveUsersNewestFirstAndPages(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            for number in 1...25 { try await store.users.insert(user(number, at: Int64(number))) }
            try await store.users.insert(user(26, at: 25))
            _ = try await store.users.softDelete(id: uuid(7), at: ms(100))

            let first = try await store.users.list(search: nil, role: nil, page: PageRequest(page: 1, limit: 3))
            let third = try await store.users.list(search: nil, role: nil, page: PageRequest(page: 3, limit: 10))

            // Equal creation times fall back to the id, highest first.
            #expect(first.items.map(\.id) == [uuid(26), uuid(25), uuid(24)])
            #expect(first.total == 25)
            #expect(third.items.map(\.id) == [5, 4, 3, 2, 1].map(uuid))
            #expect(third.totalPages == 3)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func listFiltersByRoleAndByNameOrEmailIgnoringASCIICase(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.users.insert(user(1, name: "Ada Lovelace", email: "countess@example.com", role: .admin, at: 1))
            try await store.users.insert(user(2, name: "Grace Hopper", email: "ada.fan@example.com", role: .user, at: 2))
            try await store.users.insert(user(3, name: "Alan Turing", email: "alan@example.com", role: .admin, at: 3))
            try await store.users.insert(user(4, name: "Linus", email: "linus@example.com", role: .user, at: 4))
            let all = PageRequest(page: 1, limit: 10)

            let search = try await store.users.list(search: "ADA", role: nil, page: all)
            let admins = try await store.users.list(search: nil, role: .admin, page: all)
            let both = try await store.users.list(search: "ada", role: .user, page: all)
            let none = try await store.users.list(search: "nobody", role: nil, page: all)

            #expect(search.items.map(\.id) == [uuid(2), uuid(1)])
            #expect(search.total == 2)
            #expect(admins.items.map(\.id) == [uuid(3), uuid(1)])
            #expect(both.items.map(\.id) == [uuid(2)])
            #expect(both.total == 1)
            #expect(none.items.isEmpty)
            #expect(none.total == 0)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func searchTreatsWildcardsLiterallyAndFoldsOnlyASCIILetters(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.users.insert(user(1, name: "Émile Zola", email: "emile@example.com", at: 1))
            try await store.users.insert(user(2, name: "100% Member", email: "percent@example.com", at: 2))
            try await store.users.insert(user(3, name: "under_score", email: "underscore@example.com", at: 3))
            // What the wildcards would match if they were not escaped.
            try await store.users.insert(user(4, name: "Parts Dept", email: "parts@example.com", at: 4))
            try await store.users.insert(user(5, name: "100 Club", email: "club@example.com", at: 5))
            let all = PageRequest(page: 1, limit: 10)

            let lowerAccent = try await store.users.list(search: "émile", role: nil, page: all)
            let upperAccent = try await store.users.list(search: "ÉMILE", role: nil, page: all)
            let asciiOnly = try await store.users.list(search: "zOLA", role: nil, page: all)
            let percent = try await store.users.list(search: "0%", role: nil, page: all)
            let underscore = try await store.users.list(search: "r_s", role: nil, page: all)

            // SQLite's LIKE folds A-Z only: "é" and "É" are different letters to it, and so to every adapter.
            #expect(lowerAccent.items.isEmpty)
            #expect(upperAccent.items.map(\.id) == [uuid(1)])
            #expect(asciiOnly.items.map(\.id) == [uuid(1)])
            #expect(percent.items.map(\.id) == [uuid(2)])
            #expect(underscore.items.map(\.id) == [uuid(3)])
        }
    }
}
