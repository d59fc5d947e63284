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
            u.locked_until, u.password_changed_at, u.created_at, u.updated_at
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

/// One live example by id.
struct ExampleByIDStatement: PreparedRead {
    static let sql = """
        SELECT id, owner_id, name, description, created_at, updated_at FROM examples WHERE id = $1 AND deleted_at IS NULL
        """

    let id: UUID

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(id)
        return bindings
    }
}

/// A page of live examples, newest first, with the count of all of them, without a search term: the count is one row,
/// the page joins it (no page rows: one row of NULLs), so both come from one snapshot in one round trip.
struct ExamplePageStatement: PreparedRead {
    static let sql = """
        SELECT matching.total, page.id, page.owner_id, page.name, page.description, page.created_at, page.updated_at
        FROM (SELECT count(*) AS total FROM examples WHERE deleted_at IS NULL) AS matching
        LEFT JOIN LATERAL (
            SELECT id, owner_id, name, description, created_at, updated_at FROM examples
            WHERE deleted_at IS NULL ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2
        ) AS page ON true
        ORDER BY page.created_at DESC, page.id DESC
        """

    let limit: Int
    let offset: Int

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(limit)
        bindings.append(offset)
        return bindings
    }
}
