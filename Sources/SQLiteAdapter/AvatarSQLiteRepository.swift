import Domain
import Foundation

/// `AvatarRepository` on SQLite: the `avatar_*` columns of the user's row.
struct AvatarSQLiteRepository: AvatarRepository {
    let executor: any SQLiteExecutor

    private enum SQL {
        static let find = """
            SELECT avatar_key, avatar_content_type, avatar_size, avatar_sha256, avatar_updated_at FROM users
            WHERE id = ?1 AND deleted_at IS NULL
            """
        static let update = """
            UPDATE users SET avatar_key = ?2, avatar_content_type = ?3, avatar_size = ?4, avatar_sha256 = ?5, avatar_updated_at = ?6
            WHERE id = ?1 AND deleted_at IS NULL
            """
        static let referenced = "SELECT avatar_key FROM users WHERE avatar_key IN (SELECT value FROM json_each(?1))"
    }

    func find(userID: UUID) async throws -> Avatar? {
        try await executor.query(SQL.find, [.uuid(userID)]).first.flatMap { try Self.avatar($0) }
    }

    func replace(userID: UUID, with avatar: Avatar?) async throws -> AvatarReplacement {
        try await executor.write { writer in
            guard let row = try await writer.query(SQL.find, [.uuid(userID)]).first else { return .noSuchUser }
            let previous = try Self.avatar(row)
            try await writer.execute(
                SQL.update,
                [
                    .uuid(userID), avatar.map { .text($0.key.value) } ?? .null, .optionalText(avatar?.contentType),
                    avatar.map { .integer($0.size) } ?? .null, .optionalText(avatar?.sha256), .optionalDate(avatar?.updatedAt),
                ])
            return .replaced(previous: previous)
        }
    }

    func referencedKeys(among keys: [ObjectKey]) async throws -> Set<ObjectKey> {
        guard !keys.isEmpty else { return [] }
        let rows = try await executor.query(SQL.referenced, [.text(try SQLiteJSON.array(keys.map(\.value)))])
        return Set(try rows.map { try ObjectKey(try $0.string(0)) })
    }

    /// The avatar in the five columns from `first` on (key, content type, size, SHA-256, update time), or nil when the key
    /// is NULL.
    static func avatar(_ row: SQLiteRow, from first: Int = 0) throws -> Avatar? {
        guard let key = try row.optionalString(first) else { return nil }
        return Avatar(
            key: try ObjectKey(key), contentType: try row.string(first + 1), size: try row.int64(first + 2), sha256: try row.string(first + 3),
            updatedAt: try row.date(first + 4))
    }
}
