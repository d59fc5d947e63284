import Domain
import Foundation

/// `UserRepository` kept in memory. Every write is one step on the tables, so the live-email check and the write
/// cannot be separated by another registration.
public struct UserMemoryRepository: UserRepository {
    let access: MemoryTableAccess

    public func insert(_ user: User) async throws {
        try await access.write { tables in
            try Self.checkEmailIsFree(user.email, except: nil, in: tables)
            // As in SQL, a new row has no avatar (only `AvatarRepository` writes one).
            var stored = user
            stored.avatar = nil
            tables.users[user.id] = UserRecord(user: stored, deletedAt: nil)
        }
    }

    public func find(id: UUID) async throws -> User? {
        await access.read { tables in
            guard let record = tables.users[id], record.deletedAt == nil else { return nil }
            return record.user
        }
    }

    public func find(email: String) async throws -> User? {
        await access.read { tables in
            tables.users.values.first { $0.deletedAt == nil && $0.user.email.isBytewiseEqual(to: email) }?.user
        }
    }

    public func update(_ user: User) async throws -> Bool {
        try await access.write { tables in
            guard let record = tables.users[user.id], record.deletedAt == nil else { return false }
            try Self.checkEmailIsFree(user.email, except: user.id, in: tables)
            // The creation time and the avatar are not fields `update` writes: the stored ones stay, as in SQL.
            let updated = User(
                id: record.user.id, name: user.name, email: user.email, pendingEmail: user.pendingEmail, role: user.role,
                passwordHash: user.passwordHash, emailVerifiedAt: user.emailVerifiedAt, isActive: user.isActive,
                failedLoginAttempts: user.failedLoginAttempts, lockedUntil: user.lockedUntil, passwordChangedAt: user.passwordChangedAt,
                createdAt: record.user.createdAt, updatedAt: user.updatedAt, avatar: record.user.avatar
            )
            tables.users[user.id] = UserRecord(user: updated, deletedAt: nil)
            return true
        }
    }

    public func list(search: String?, role: Role?, page: PageRequest) async throws -> Page<User> {
        let matching = await access.read { tables in
            tables.users.values.compactMap { record -> User? in
                guard record.deletedAt == nil, role == nil || record.user.role == role else { return nil }
                guard let search else { return record.user }
                let found = record.user.name.containsIgnoringASCIICase(search) || record.user.email.containsIgnoringASCIICase(search)
                return found ? record.user : nil
            }
        }
        let sorted = matching.sorted { ($0.createdAt, $0.id.uuidString) > ($1.createdAt, $1.id.uuidString) }
        return Page(items: Array(sorted.dropFirst(page.offset).prefix(page.limit)), total: sorted.count, request: page)
    }

    public func search(_ query: SearchQuery, role: Role?, page: PageRequest) async throws -> Page<SearchHit<User>> {
        let hits = await access.read { tables in
            tables.users.values.compactMap { record -> SearchHit<User>? in
                guard record.deletedAt == nil, role == nil || record.user.role == role else { return nil }
                let fields = record.user.searchFields
                guard let rank = query.rank(of: fields) else { return nil }
                return SearchHit(item: record.user, rank: rank, highlights: query.highlights(of: fields))
            }
        }
        let sorted = hits.sorted { ($0.rank, $0.item.createdAt, $0.item.id.uuidString) > ($1.rank, $1.item.createdAt, $1.item.id.uuidString) }
        return Page(items: Array(sorted.dropFirst(page.offset).prefix(page.limit)), total: sorted.count, request: page)
    }

    public func softDelete(id: UUID, at date: Date) async throws -> Bool {
        try await access.write { tables in
            guard var record = tables.users[id], record.deletedAt == nil else { return false }
            record.deletedAt = date
            tables.users[id] = record
            return true
        }
    }

    /// Throws the conflict the live-email unique index raises in SQL when another live user has `email`.
    private static func checkEmailIsFree(_ email: String, except id: UUID?, in tables: MemoryTables) throws {
        let taken = tables.users.values.contains { $0.deletedAt == nil && $0.user.id != id && $0.user.email.isBytewiseEqual(to: email) }
        if taken { throw DomainError.conflict("Email is already registered") }
    }
}
