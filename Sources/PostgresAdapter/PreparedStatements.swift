import Foundation
import PostgresNIO

/// A statement that PostgreSQL parses and plans once per connection and then only executes: the statements that
/// run on nearly every request. Parsing and planning cost the server about three times what executing one of these
/// small statements costs, so preparing them is most of the database's share of a request (`QUERY-PLANS.md`).
///
/// Every other statement is sent unnamed, parsed and planned with its values, which suits statements whose optional
/// filters fold away with the values (a prepared statement's generic plan could not drop them).
protocol PreparedRead: PostgresPreparedStatement where Row == PostgresRow {}

extension PreparedRead {
    /// Each statement under its own name in every connection's session, distinct from PostgresNIO's own.
    static var name: String { "portside_" + String(describing: Self.self) }

    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

/// A session and its user, for authenticating a request: one round trip, one snapshot.
struct SessionWithUserStatement: PreparedRead {
    static let sql = """
        SELECT s.id, s.user_id, s.refresh_token_digest, s.user_agent, s.client_address, s.created_at, s.last_used_at, s.expires_at,
            s.absolute_expires_at, s.revoked_at, s.revocation_reason,
            u.id, u.name, u.email, u.pending_email, u.role, u.password_hash, u.email_verified_at, u.is_active, u.failed_login_attempts,
            u.locked_until, u.password_changed_at, u.created_at, u.updated_at, u.avatar_key, u.avatar_content_type, u.avatar_size,
            u.avatar_sha256, u.avatar_updated_at
        FROM sessions AS s JOIN users AS u ON u.id = s.user_id
        WHERE s.id = $1 AND s.user_id = $2 AND u.deleted_at IS NULL
        """

    let sessionID: UUID
    let userID: UUID

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(sessionID)
        bindings.append(userID)
        return bindings
    }
}
