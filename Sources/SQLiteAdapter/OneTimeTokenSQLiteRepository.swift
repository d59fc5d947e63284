import Domain
import Foundation

/// `OneTimeTokenRepository` on SQLite. Consumption is one conditional UPDATE, so of concurrent consumptions of one
/// token only the first finds it unused.
struct OneTimeTokenSQLiteRepository: OneTimeTokenRepository {
    let executor: any SQLiteExecutor

    /// Every statement, written out in full: nothing is assembled at run time.
    private enum SQL {
        static let insert = """
            INSERT INTO one_time_tokens (digest, purpose, user_id, email, created_at, expires_at, used_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
            """
        static let consume = """
            UPDATE one_time_tokens SET used_at = ?3
            WHERE digest = ?1 AND purpose = ?2 AND used_at IS NULL AND expires_at > ?3
            RETURNING digest, purpose, user_id, email, created_at, expires_at, used_at
            """
        static let invalidate = "UPDATE one_time_tokens SET used_at = ?3 WHERE user_id = ?1 AND purpose = ?2 AND used_at IS NULL"
        static let invalidateSince = """
            UPDATE one_time_tokens SET used_at = ?4 WHERE user_id = ?1 AND purpose = ?2 AND created_at >= ?3 AND used_at IS NULL
            """
        static let purge = "DELETE FROM one_time_tokens WHERE expires_at < ?1"
    }

    func insert(_ token: OneTimeToken) async throws {
        try await executor.execute(
            SQL.insert,
            [
                .text(token.digest), .text(token.purpose.rawValue), .uuid(token.userID), .text(token.email), .date(token.createdAt),
                .date(token.expiresAt), .optionalDate(token.usedAt),
            ]
        )
    }

    func consume(digest: String, purpose: OneTimeTokenPurpose, now: Date) async throws -> OneTimeToken? {
        // UPDATE ... RETURNING changes a row, so it runs on the writer.
        try await executor.write { writer in
            try await writer.query(SQL.consume, [.text(digest), .text(purpose.rawValue), .date(now)]).first.map(Self.token)
        }
    }

    func invalidate(userID: UUID, purpose: OneTimeTokenPurpose, at date: Date) async throws -> Int {
        try await executor.execute(SQL.invalidate, [.uuid(userID), .text(purpose.rawValue), .date(date)])
    }

    func invalidate(userID: UUID, purpose: OneTimeTokenPurpose, createdSince since: Date, at date: Date) async throws -> Int {
        try await executor.execute(SQL.invalidateSince, [.uuid(userID), .text(purpose.rawValue), .date(since), .date(date)])
    }

    func purge(expiredBefore date: Date) async throws -> Int {
        try await executor.execute(SQL.purge, [.date(date)])
    }

    private static func token(_ row: SQLiteRow) throws -> OneTimeToken {
        OneTimeToken(
            digest: try row.string(0),
            purpose: try row.enumeration(1),
            userID: try row.uuid(2),
            email: try row.string(3),
            createdAt: try row.date(4),
            expiresAt: try row.date(5),
            usedAt: try row.optionalDate(6)
        )
    }
}
