import Domain
import Foundation

/// `SessionRepository` kept in memory. Rotation checks and changes the session in one step on the tables, so of
/// concurrent rotations of one token only the first finds it.
public struct SessionMemoryRepository: SessionRepository {
    let access: MemoryTableAccess

    public func insert(_ session: Session) async throws {
        try await access.write { tables in tables.sessions[session.id] = session }
    }

    public func find(id: UUID) async throws -> Session? {
        await access.read { tables in tables.sessions[id] }
    }

    public func find(sessionID: UUID, userID: UUID) async throws -> (session: Session, user: User)? {
        await access.read { tables in
            guard let session = tables.sessions[sessionID], session.userID == userID, let record = tables.users[userID], record.deletedAt == nil
            else { return nil }
            return (session, record.user)
        }
    }

    public func find(refreshTokenDigest: String) async throws -> Session? {
        await access.read { tables in Self.session(holding: refreshTokenDigest, in: tables) }
    }

    public func find(retiredTokenDigest: String) async throws -> Session? {
        await access.read { tables in
            tables.retiredTokens[retiredTokenDigest].flatMap { tables.sessions[$0.sessionID] }
        }
    }

    public func rotate(from current: String, to next: String, now: Date, expiresAt: Date) async throws -> Session? {
        try await access.write { tables in
            guard var session = Self.session(holding: current, in: tables), session.isAlive(at: now) else { return nil }
            session.refreshTokenDigest = next
            session.lastUsedAt = now
            session.expiresAt = min(expiresAt, session.absoluteExpiresAt)
            tables.sessions[session.id] = session
            tables.retiredTokens[current] = RetiredTokenRecord(sessionID: session.id, retiredAt: now)
            return session
        }
    }

    public func revoke(id: UUID, at date: Date, reason: String) async throws -> Bool {
        try await access.write { tables in
            guard var session = tables.sessions[id], session.isAlive(at: date) else { return false }
            session.revokedAt = date
            session.revocationReason = reason
            tables.sessions[id] = session
            return true
        }
    }

    public func revokeAll(userID: UUID, except: UUID?, at date: Date, reason: String) async throws -> Int {
        try await access.write { tables in
            let revoked = tables.sessions.values.filter { $0.userID == userID && $0.id != except && $0.isAlive(at: date) }
            for var session in revoked {
                session.revokedAt = date
                session.revocationReason = reason
                tables.sessions[session.id] = session
            }
            return revoked.count
        }
    }

    public func listAlive(userID: UUID, now: Date) async throws -> [Session] {
        let alive = await access.read { tables in
            tables.sessions.values.filter { $0.userID == userID && $0.isAlive(at: now) }
        }
        return alive.sorted { ($0.lastUsedAt, $0.id.uuidString) > ($1.lastUsedAt, $1.id.uuidString) }
    }

    public func purge(endedBefore date: Date) async throws -> Int {
        try await access.write { tables in
            let ended = Set(tables.sessions.values.filter { $0.expiresAt < date || ($0.revokedAt.map { $0 < date } ?? false) }.map(\.id))
            for id in ended { tables.sessions[id] = nil }
            tables.retiredTokens = tables.retiredTokens.filter { !ended.contains($0.value.sessionID) }
            return ended.count
        }
    }

    private static func session(holding digest: String, in tables: MemoryTables) -> Session? {
        tables.sessions.values.first { $0.refreshTokenDigest.isBytewiseEqual(to: digest) }
    }
}
