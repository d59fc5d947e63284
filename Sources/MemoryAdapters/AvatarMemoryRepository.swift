import Domain
import Foundation

/// `AvatarRepository` kept in memory, beside the users it belongs to.
public struct AvatarMemoryRepository: AvatarRepository {
    let access: MemoryTableAccess

    public func find(userID: UUID) async throws -> Avatar? {
        await access.read { tables in
            guard let record = tables.users[userID], record.deletedAt == nil else { return nil }
            return tables.avatars[userID]
        }
    }

    public func replace(userID: UUID, with avatar: Avatar?) async throws -> AvatarReplacement {
        try await access.write { tables in
            guard let record = tables.users[userID], record.deletedAt == nil else { return .noSuchUser }
            let previous = tables.avatars[userID]
            tables.avatars[userID] = avatar
            return .replaced(previous: previous)
        }
    }

    public func referencedKeys(among keys: [ObjectKey]) async throws -> Set<ObjectKey> {
        await access.read { tables in
            Set(tables.avatars.values.map(\.key)).intersection(keys)
        }
    }
}
