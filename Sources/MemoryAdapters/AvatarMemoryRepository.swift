import Domain
import Foundation

/// `AvatarRepository` kept in memory: the `avatar` of the stored user, as the databases keep it in the user's row.
public struct AvatarMemoryRepository: AvatarRepository {
    let access: MemoryTableAccess

    public func find(userID: UUID) async throws -> Avatar? {
        await access.read { tables in
            guard let record = tables.users[userID], record.deletedAt == nil else { return nil }
            return record.user.avatar
        }
    }

    public func replace(userID: UUID, with avatar: Avatar?) async throws -> AvatarReplacement {
        try await access.write { tables in
            guard var record = tables.users[userID], record.deletedAt == nil else { return .noSuchUser }
            let previous = record.user.avatar
            record.user.avatar = avatar
            tables.users[userID] = record
            return .replaced(previous: previous)
        }
    }

    public func referencedKeys(among keys: [ObjectKey]) async throws -> Set<ObjectKey> {
        await access.read { tables in
            Set(tables.users.values.compactMap(\.user.avatar?.key)).intersection(keys)
        }
    }
}
