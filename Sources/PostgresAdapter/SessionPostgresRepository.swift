import Domain
import Foundation
import PostgresNIO

/// `SessionRepository` on PostgreSQL. Rotation is one statement: an UPDATE conditioned on the current digest, whose
/// row lock makes concurrent rotations of one token wait and then find it gone, with the retired digest recorded by
/// the same statement.
struct SessionPostgresRepository: SessionRepository {
    let executor: PostgresExecutor

    func insert(_ session: Session) async throws {
        try await executor.execute(
            """
            INSERT INTO sessions (
                id, user_id, refresh_token_digest, user_agent, client_address, created_at, last_used_at, expires_at, absolute_expires_at,
                revoked_at, revocation_reason
            ) VALUES (
                \(session.id), \(session.userID), \(text: session.refreshTokenDigest), \(text: session.userAgent), \(text: session.clientAddress),
                \(time: session.createdAt), \(time: session.lastUsedAt), \(time: session.expiresAt), \(time: session.absoluteExpiresAt),
                \(time: session.revokedAt), \(text: session.revocationReason)
            )
            """
        )
    }

    func find(id: UUID) async throws -> Session? {
        try await executor.read(
            """
            SELECT id, user_id, refresh_token_digest, user_agent, client_address, created_at, last_used_at, expires_at, absolute_expires_at,
                revoked_at, revocation_reason
            FROM sessions WHERE id = \(id)
            """
        ).first.map(Self.session)
    }

    func find(sessionID: UUID, userID: UUID) async throws -> (session: Session, user: User)? {
        let rows = try await executor.read(SessionWithUserStatement(sessionID: sessionID, userID: userID))
        guard let row = rows.first else { return nil }
        var reader = RowReader(row)
        let session = try Self.session(&reader)
        return (session, try UserPostgresRepository.user(&reader))
    }

    func find(refreshTokenDigest: String) async throws -> Session? {
        try await executor.read(
            """
            SELECT id, user_id, refresh_token_digest, user_agent, client_address, created_at, last_used_at, expires_at, absolute_expires_at,
                revoked_at, revocation_reason
            FROM sessions WHERE refresh_token_digest = \(text: refreshTokenDigest)
            """
        ).first.map(Self.session)
    }

    func find(retiredTokenDigest: String) async throws -> Session? {
        try await executor.read(
            """
            SELECT s.id, s.user_id, s.refresh_token_digest, s.user_agent, s.client_address, s.created_at, s.last_used_at, s.expires_at,
                s.absolute_expires_at, s.revoked_at, s.revocation_reason
            FROM session_retired_tokens AS r JOIN sessions AS s ON s.id = r.session_id WHERE r.digest = \(text: retiredTokenDigest)
            """
        ).first.map(Self.session)
    }

    func rotate(from current: String, to next: String, now: Date, expiresAt: Date) async throws -> Session? {
        try await executor.write(
            """
            WITH rotated AS (
                UPDATE sessions SET refresh_token_digest = \(text: next), last_used_at = \(time: now),
                    expires_at = least(\(time: expiresAt), absolute_expires_at)
                WHERE refresh_token_digest = \(text: current) AND revoked_at IS NULL AND expires_at > \(time: now)
                RETURNING id, user_id, refresh_token_digest, user_agent, client_address, created_at, last_used_at, expires_at,
                    absolute_expires_at, revoked_at, revocation_reason
            ), retired AS (
                INSERT INTO session_retired_tokens (digest, session_id, retired_at) SELECT \(text: current), id, \(time: now) FROM rotated
            )
            SELECT id, user_id, refresh_token_digest, user_agent, client_address, created_at, last_used_at, expires_at, absolute_expires_at,
                revoked_at, revocation_reason
            FROM rotated
            """
        ).first.map(Self.session)
    }

    func revoke(id: UUID, at date: Date, reason: String) async throws -> Bool {
        try await executor.execute(
            """
            UPDATE sessions SET revoked_at = \(time: date), revocation_reason = \(text: reason)
            WHERE id = \(id) AND revoked_at IS NULL AND expires_at > \(time: date)
            """
        ) == 1
    }

    func revokeAll(userID: UUID, except: UUID?, at date: Date, reason: String) async throws -> Int {
        try await executor.execute(
            """
            UPDATE sessions SET revoked_at = \(time: date), revocation_reason = \(text: reason)
            WHERE user_id = \(userID) AND revoked_at IS NULL AND expires_at > \(time: date) AND (\(except)::uuid IS NULL OR id <> \(except))
            """
        )
    }

    func listAlive(userID: UUID, now: Date) async throws -> [Session] {
        try await executor.read(
            """
            SELECT id, user_id, refresh_token_digest, user_agent, client_address, created_at, last_used_at, expires_at, absolute_expires_at,
                revoked_at, revocation_reason
            FROM sessions WHERE user_id = \(userID) AND revoked_at IS NULL AND expires_at > \(time: now)
            ORDER BY last_used_at DESC, id DESC
            """
        ).map(Self.session)
    }

    func purge(endedBefore date: Date) async throws -> Int {
        // Retired digests go with their session (ON DELETE CASCADE).
        try await executor.execute("DELETE FROM sessions WHERE expires_at < \(time: date) OR revoked_at < \(time: date)")
    }

    private static func session(_ row: PostgresRow) throws -> Session {
        var reader = RowReader(row)
        return try session(&reader)
    }

    private static func session(_ reader: inout RowReader) throws -> Session {
        Session(
            id: try reader.next(UUID.self),
            userID: try reader.next(UUID.self),
            refreshTokenDigest: try reader.text(),
            userAgent: try reader.optionalText(),
            clientAddress: try reader.optionalText(),
            createdAt: try reader.time(),
            lastUsedAt: try reader.time(),
            expiresAt: try reader.time(),
            absoluteExpiresAt: try reader.time(),
            revokedAt: try reader.optionalTime(),
            revocationReason: try reader.optionalText()
        )
    }
}
