import Domain
import Foundation

/// `ExampleRepository` on SQLite. Every statement is parameterized.
struct ExampleSQLiteRepository: ExampleRepository {
    let executor: any SQLiteExecutor

    /// Every statement, written out in full: nothing is assembled at run time.
    private enum SQL {
        static let insert = """
            INSERT INTO examples (id, owner_id, name, description, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
            """
        static let find = """
            SELECT id, owner_id, name, description, created_at, updated_at FROM examples WHERE id = ?1 AND deleted_at IS NULL
            """
        static let count = "SELECT count(*) FROM examples WHERE deleted_at IS NULL"
        static let page = """
            SELECT id, owner_id, name, description, created_at, updated_at FROM examples WHERE deleted_at IS NULL
            ORDER BY created_at DESC, id DESC LIMIT ?1 OFFSET ?2
            """
        static let countMatching = """
            SELECT count(*) FROM examples
            WHERE deleted_at IS NULL AND (name LIKE ?1 ESCAPE '\\' OR description LIKE ?1 ESCAPE '\\')
            """
        static let pageMatching = """
            SELECT id, owner_id, name, description, created_at, updated_at FROM examples
            WHERE deleted_at IS NULL AND (name LIKE ?1 ESCAPE '\\' OR description LIKE ?1 ESCAPE '\\')
            ORDER BY created_at DESC, id DESC LIMIT ?2 OFFSET ?3
            """
        /// Full-text search through the FTS5 index; bm25 weighs a match in the name ten times one in the description
        /// (lower is better).
        static let countSearch = """
            SELECT count(*) FROM examples_search JOIN examples ON examples.rowid = examples_search.rowid
            WHERE examples_search MATCH ?1 AND examples.deleted_at IS NULL
            """
        static let pageSearch = """
            SELECT examples.id, examples.owner_id, examples.name, examples.description, examples.created_at, examples.updated_at,
                bm25(examples_search, 10.0, 1.0)
            FROM examples_search JOIN examples ON examples.rowid = examples_search.rowid
            WHERE examples_search MATCH ?1 AND examples.deleted_at IS NULL
            ORDER BY bm25(examples_search, 10.0, 1.0), examples.created_at DESC, examples.id DESC LIMIT ?2 OFFSET ?3
            """
        static let update = "UPDATE examples SET name = ?1, description = ?2, updated_at = ?3 WHERE id = ?4 AND deleted_at IS NULL"
        static let softDelete = "UPDATE examples SET deleted_at = ?1 WHERE id = ?2 AND deleted_at IS NULL"
    }

    func insert(_ example: Example) async throws {
        try await executor.execute(
            SQL.insert,
            [
                .uuid(example.id), .optionalUUID(example.ownerID), .text(example.name), .optionalText(example.description),
                .date(example.createdAt), .date(example.updatedAt),
            ]
        )
    }

    func find(id: UUID) async throws -> Example? {
        try await executor.query(SQL.find, [.uuid(id)]).first.map(Self.example)
    }

    func list(search: String?, page: PageRequest) async throws -> Page<Example> {
        let paging: [SQLiteValue] = [.int(page.limit), .int(page.offset)]
        // The count and the page come from one snapshot, so `total` always agrees with the items.
        let results: [[SQLiteRow]]
        if let search {
            let pattern = SQLiteValue.containing(search)
            results = try await executor.queries([(SQL.countMatching, [pattern]), (SQL.pageMatching, [pattern] + paging)])
        } else {
            results = try await executor.queries([(SQL.count, []), (SQL.page, paging)])
        }
        let (countRows, rows) = (results[0], results[1])
        let total = try countRows.first?.int(0) ?? 0
        return Page(items: try rows.map(Self.example), total: total, request: page)
    }

    func search(_ query: SearchQuery, page: PageRequest) async throws -> Page<SearchHit<Example>> {
        let match = SQLiteValue.text(FTS5Query.render(query))
        let results = try await executor.queries([
            (SQL.countSearch, [match]), (SQL.pageSearch, [match, .int(page.limit), .int(page.offset)]),
        ])
        let hits = try results[1].map { row in
            let example = try Self.example(row)
            // bm25 is better when lower; a rank is better when higher.
            return SearchHit(item: example, rank: -(try row.double(6)), highlights: query.highlights(of: example.searchFields))
        }
        return Page(items: hits, total: try results[0].first?.int(0) ?? 0, request: page)
    }

    func update(_ example: Example) async throws -> Bool {
        let changed = try await executor.execute(
            SQL.update,
            [.text(example.name), .optionalText(example.description), .date(example.updatedAt), .uuid(example.id)]
        )
        return changed == 1
    }

    func softDelete(id: UUID, at date: Date) async throws -> Bool {
        try await executor.execute(SQL.softDelete, [.date(date), .uuid(id)]) == 1
    }

    private static func example(_ row: SQLiteRow) throws -> Example {
        Example(
            id: try row.uuid(0),
            ownerID: try row.optionalUUID(1),
            name: try row.string(2),
            description: try row.optionalString(3),
            createdAt: try row.date(4),
            updatedAt: try row.date(5)
        )
    }
}
