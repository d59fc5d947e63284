import Domain
import Foundation
import Testing

/// Full-text search over accounts for administrators: name above email, an email's parts are words, a role filter,
/// and the index following renames, email changes and deletes. The same on memory, SQLite and PostgreSQL.
extension UserRepositoryContractTests {
    private func search(_ store: Store, _ text: String, role: Role? = nil) async throws -> Page<SearchHit<User>> {
        try await store.users.search(try SearchQuery.parse(text), role: role, page: PageRequest(page: 1, limit: 10))
    }

    @Test(arguments: StoreKind.allCases)
    func aNameMatchRanksAboveAnEmailMatchAndEmailPartsAreWords(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.users.insert(user(1, name: "Ada Lovelace", email: "countess@example.com", role: .admin, at: 1))
            try await store.users.insert(user(2, name: "Grace Hopper", email: "ada.fan@example.com", role: .user, at: 2))
            try await store.users.insert(user(3, name: "Alan Turing", email: "alan@example.org", role: .admin, at: 3))

            let ada = try await search(store, "ada")
            #expect(ada.items.map(\.item.id) == [uuid(1), uuid(2)])
            #expect(ada.total == 2)
            #expect(ada.items[1].highlights["email"]?.first == HighlightPiece(text: "ada", match: true))
            #expect(try await search(store, "example org").items.map(\.item.id) == [uuid(3)])
            #expect(try await search(store, "countess@example.com").items.map(\.item.id) == [uuid(1)])
            #expect(try await search(store, "ada", role: .user).items.map(\.item.id) == [uuid(2)])
            #expect(try await search(store, "example -ada", role: .admin).items.map(\.item.id) == [uuid(3)])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func theUserIndexFollowsEveryWrite(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            var changed = user(1, name: "Ada Lovelace", email: "ada@example.com", at: 1)
            try await store.users.insert(changed)
            try await store.users.insert(user(2, name: "Ada Byron", email: "byron@example.com", at: 2))

            changed.name = "Countess"
            changed.email = "countess@example.net"
            #expect(try await store.users.update(changed))
            #expect(try await store.users.softDelete(id: uuid(2), at: ms(10)))

            #expect(try await search(store, "ada").total == 0)
            #expect(try await search(store, "countess net").items.map(\.item.id) == [uuid(1)])
        }
    }
}
