import Domain
import Foundation
import PostgresNIO

/// `AvatarRepository` on PostgreSQL: the `avatar_*` columns of the user's row.
struct AvatarPostgresRepository: AvatarRepository {
    let executor: PostgresExecutor

    func find(userID: UUID) async throws -> Avatar? {
        let rows = try await executor.read(
            """
            SELECT avatar_key, avatar_content_type, avatar_size, avatar_sha256, avatar_updated_at FROM users
            WHERE id = \(userID) AND deleted_at IS NULL
            """
        )
        return try rows.first.flatMap(Self.avatar)
    }

    func replace(userID: UUID, with avatar: Avatar?) async throws -> AvatarReplacement {
        // One statement: the row is locked, read as it was, and changed; RETURNING shows the locked values.
        let rows = try await executor.write(
            """
            WITH previous AS (
                SELECT id, avatar_key, avatar_content_type, avatar_size, avatar_sha256, avatar_updated_at FROM users
                WHERE id = \(userID) AND deleted_at IS NULL FOR UPDATE
            )
            UPDATE users SET avatar_key = \(avatar?.key.value), avatar_content_type = \(avatar?.contentType),
                avatar_size = \(avatar?.size), avatar_sha256 = \(avatar?.sha256), avatar_updated_at = \(time: avatar?.updatedAt)
            FROM previous WHERE users.id = previous.id
            RETURNING previous.avatar_key, previous.avatar_content_type, previous.avatar_size, previous.avatar_sha256,
                previous.avatar_updated_at
            """
        )
        guard let row = rows.first else { return .noSuchUser }
        return .replaced(previous: try Self.avatar(row))
    }

    func referencedKeys(among keys: [ObjectKey]) async throws -> Set<ObjectKey> {
        guard !keys.isEmpty else { return [] }
        let values = keys.map(\.value)
        let rows = try await executor.read("SELECT avatar_key FROM users WHERE avatar_key = ANY(\(values))")
        return Set(try rows.map { row in try ObjectKey(try row.decode(String.self)) })
    }

    /// The avatar in the row's five columns, or nil when the key is NULL.
    static func avatar(_ row: PostgresRow) throws -> Avatar? {
        var reader = RowReader(row)
        return try avatar(&reader)
    }

    /// The avatar in the reader's next five columns (key, content type, size, SHA-256, update time), or nil (all read)
    /// when the key is NULL.
    static func avatar(_ reader: inout RowReader) throws -> Avatar? {
        guard let key = try reader.next(String?.self) else {
            for _ in 0..<4 { reader.skip() }
            return nil
        }
        return Avatar(
            key: try ObjectKey(key), contentType: try reader.next(String.self), size: try reader.next(Int64.self),
            sha256: try reader.next(String.self), updatedAt: try reader.time())
    }
}
