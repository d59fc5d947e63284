import Foundation
import PostgresNIO

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
