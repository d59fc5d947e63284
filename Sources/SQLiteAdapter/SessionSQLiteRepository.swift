import Domain
import Foundation

/// `SessionRepository` on SQLite. Rotation is one conditional UPDATE, so of concurrent rotations of one token only
/// the first finds it; the retired digest is recorded in the same transaction.
struct SessionSQLiteRepository: SessionRepository {
    let executor: any SQLiteExecutor

    /// Every statement, written out in full: nothing is assembled at run time.
    private enum SQL {
        static let insert = """
            INSERT INTO sessions (
                id, user_id, refresh_token_digest, user_agent, client_address, created_at, last_used_at, expires_at, absolute_expires_at,
                revoked_at, revocation_reason
            ) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
            """
        static let findByID = """
            SELECT id, user_id, refresh_token_digest, user_agent, client_address, created_at, last_used_at, expires_at, absolute_expires_at,
                revoked_at, revocation_reason
            FROM sessions WHERE id = ?1
            """
        static let findByDigest = """
            SELECT id, user_id, refresh_token_digest, user_agent, client_address, created_at, last_used_at, expires_at, absolute_expires_at,
                revoked_at, revocation_reason
            FROM sessions WHERE refresh_token_digest = ?1
            """
        static let findByRetiredDigest = """
            SELECT s.id, s.user_id, s.refresh_token_digest, s.user_agent, s.client_address, s.created_at, s.last_used_at, s.expires_at,
                s.absolute_expires_at, s.revoked_at, s.revocation_reason
            FROM session_retired_tokens AS r JOIN sessions AS s ON s.id = r.session_id WHERE r.digest = ?1
            """
        // ?1 current digest, ?2 next digest, ?3 now, ?4 requested expiry.
        static let rotate = """
            UPDATE sessions SET refresh_token_digest = ?2, last_used_at = ?3, expires_at = min(?4, absolute_expires_at)
            WHERE refresh_token_digest = ?1 AND revoked_at IS NULL AND expires_at > ?3
            RETURNING id, user_id, refresh_token_digest, user_agent, client_address, created_at, last_used_at, expires_at,
                absolute_expires_at, revoked_at, revocation_reason
            """
        static let retire = "INSERT INTO session_retired_tokens (digest, session_id, retired_at) VALUES (?1, ?2, ?3)"
        static let revoke = """
            UPDATE sessions SET revoked_at = ?2, revocation_reason = ?3 WHERE id = ?1 AND revoked_at IS NULL AND expires_at > ?2
            """
        static let revokeAll = """
            UPDATE sessions SET revoked_at = ?2, revocation_reason = ?3 WHERE user_id = ?1 AND revoked_at IS NULL AND expires_at > ?2
            """
        static let revokeAllExcept = """
            UPDATE sessions SET revoked_at = ?2, revocation_reason = ?3
            WHERE user_id = ?1 AND revoked_at IS NULL AND expires_at > ?2 AND id <> ?4
            """
        static let listAlive = """
            SELECT id, user_id, refresh_token_digest, user_agent, client_address, created_at, last_used_at, expires_at, absolute_expires_at,
                revoked_at, revocation_reason
            FROM sessions WHERE user_id = ?1 AND revoked_at IS NULL AND expires_at > ?2
            ORDER BY last_used_at DESC, id DESC
            """
        // Retired digests go with their session (ON DELETE CASCADE).
        static let purge = "DELETE FROM sessions WHERE expires_at < ?1 OR revoked_at < ?1"
    }

    func insert(_ session: Session) async throws {
        try await executor.execute(
            SQL.insert,
            [
                .uuid(session.id), .uuid(session.userID), .text(session.refreshTokenDigest), .optionalText(session.userAgent),
                .optionalText(session.clientAddress), .date(session.createdAt), .date(session.lastUsedAt), .date(session.expiresAt),
                .date(session.absoluteExpiresAt), .optionalDate(session.revokedAt), .optionalText(session.revocationReason),
            ]
        )
    }

    func find(id: UUID) async throws -> Session? {
        try await executor.query(SQL.findByID, [.uuid(id)]).first.map(Self.session)
    }

    func find(sessionID: UUID, userID: UUID) async throws -> (session: Session, user: User)? {
        // Both rows from one snapshot in one trip to the database thread.
        let results = try await executor.queries([(SQL.findByID, [.uuid(sessionID)]), (UserSQLiteRepository.SQL.findByID, [.uuid(userID)])])
        guard let session = try results[0].first.map(Self.session), session.userID == userID,
            let user = try results[1].first.map(UserSQLiteRepository.user)
        else { return nil }
        return (session, user)
    }

    func find(refreshTokenDigest: String) async throws -> Session? {
        try await executor.query(SQL.findByDigest, [.text(refreshTokenDigest)]).first.map(Self.session)
    }

    func find(retiredTokenDigest: String) async throws -> Session? {
        try await executor.query(SQL.findByRetiredDigest, [.text(retiredTokenDigest)]).first.map(Self.session)
    }

    func rotate(from current: String, to next: String, now: Date, expiresAt: Date) async throws -> Session? {
        try await executor.write { writer in
            let rows = try await writer.query(SQL.rotate, [.text(current), .text(next), .date(now), .date(expiresAt)])
            guard let session = try rows.first.map(Self.session) else { return nil }
            try await writer.execute(SQL.retire, [.text(current), .uuid(session.id), .date(now)])
            return session
        }
    }

    func revoke(id: UUID, at date: Date, reason: String) async throws -> Bool {
        try await executor.execute(SQL.revoke, [.uuid(id), .date(date), .text(reason)]) == 1
    }

    func revokeAll(userID: UUID, except: UUID?, at date: Date, reason: String) async throws -> Int {
        let bindings: [SQLiteValue] = [.uuid(userID), .date(date), .text(reason)]
        guard let except else { return try await executor.execute(SQL.revokeAll, bindings) }
        return try await executor.execute(SQL.revokeAllExcept, bindings + [.uuid(except)])
    }

    func listAlive(userID: UUID, now: Date) async throws -> [Session] {
        try await executor.query(SQL.listAlive, [.uuid(userID), .date(now)]).map(Self.session)
    }

    func purge(endedBefore date: Date) async throws -> Int {
        try await executor.execute(SQL.purge, [.date(date)])
    }

    private static func session(_ row: SQLiteRow) throws -> Session {
        Session(
            id: try row.uuid(0),
            userID: try row.uuid(1),
            refreshTokenDigest: try row.string(2),
            userAgent: try row.optionalString(3),
            clientAddress: try row.optionalString(4),
            createdAt: try row.date(5),
            lastUsedAt: try row.date(6),
            expiresAt: try row.date(7),
            absoluteExpiresAt: try row.date(8),
            revokedAt: try row.optionalDate(9),
            revocationReason: try row.optionalString(10)
        )
    }
}
