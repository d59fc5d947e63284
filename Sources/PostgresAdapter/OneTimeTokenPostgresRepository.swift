import Domain
import Foundation
import PostgresNIO

/// `OneTimeTokenRepository` on PostgreSQL. Consumption is one conditional UPDATE: of concurrent consumptions of one
/// token, the others wait for the first one's row lock and then find the token used.
struct OneTimeTokenPostgresRepository: OneTimeTokenRepository {
    let executor: PostgresExecutor

    func insert(_ token: OneTimeToken) async throws {
        try await executor.execute(
            """
            INSERT INTO one_time_tokens (digest, purpose, user_id, email, created_at, expires_at, used_at)
            VALUES (\(text: token.digest), \(text: token.purpose.rawValue), \(token.userID), \(text: token.email), \(time: token.createdAt),
                \(time: token.expiresAt), \(time: token.usedAt))
            """
        )
    }

    func consume(digest: String, purpose: OneTimeTokenPurpose, now: Date) async throws -> OneTimeToken? {
        try await executor.write(
            """
            UPDATE one_time_tokens SET used_at = \(time: now)
            WHERE digest = \(text: digest) AND purpose = \(text: purpose.rawValue) AND used_at IS NULL AND expires_at > \(time: now)
            RETURNING digest, purpose, user_id, email, created_at, expires_at, used_at
            """
        ).first.map(Self.token)
    }

    func invalidate(userID: UUID, purpose: OneTimeTokenPurpose, at date: Date) async throws -> Int {
        try await executor.execute(
            """
            UPDATE one_time_tokens SET used_at = \(time: date) WHERE user_id = \(userID) AND purpose = \(text: purpose.rawValue) AND used_at IS NULL
            """
        )
    }

    func invalidate(userID: UUID, purpose: OneTimeTokenPurpose, createdSince since: Date, at date: Date) async throws -> Int {
        try await executor.execute(
            """
            UPDATE one_time_tokens SET used_at = \(time: date)
            WHERE user_id = \(userID) AND purpose = \(text: purpose.rawValue) AND created_at >= \(time: since) AND used_at IS NULL
            """
        )
    }

    func purge(expiredBefore date: Date) async throws -> Int {
        try await executor.execute("DELETE FROM one_time_tokens WHERE expires_at < \(time: date)")
    }

    private static func token(_ row: PostgresRow) throws -> OneTimeToken {
        var reader = RowReader(row)
        return OneTimeToken(
            digest: try reader.text(),
            purpose: try reader.enumeration(),
            userID: try reader.next(UUID.self),
            email: try reader.text(),
            createdAt: try reader.time(),
            expiresAt: try reader.time(),
            usedAt: try reader.optionalTime()
        )
    }
}
