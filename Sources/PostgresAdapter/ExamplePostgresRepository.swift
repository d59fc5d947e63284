import Domain
import Foundation
import PostgresNIO

/// `ExampleRepository` on PostgreSQL. Every statement is written out in full; values enter only as bound parameters.
struct ExamplePostgresRepository: ExampleRepository {
    let executor: PostgresExecutor

    func insert(_ example: Example) async throws {
        try await executor.execute(
            """
            INSERT INTO examples (id, owner_id, name, description, created_at, updated_at)
            VALUES (\(example.id), \(example.ownerID), \(text: example.name), \(text: example.description), \(time: example.createdAt),
                \(time: example.updatedAt))
            """
        )
    }

    func find(id: UUID) async throws -> Example? {
        let rows = try await executor.read(ExampleByIDStatement(id: id))
        return try rows.first.map { row in
            var reader = RowReader(row)
            return try Self.example(&reader)
        }
    }

    func list(search: String?, page: PageRequest) async throws -> Page<Example> {
        guard let search else {
            return try Self.page(try await executor.read(ExamplePageStatement(limit: page.limit, offset: page.offset)), request: page)
        }
        let pattern = StoredText.containing(search)
        // As `ExamplePageStatement`, with the search: one statement, so the count and the page come from one snapshot
        // (`total` always agrees with the items). Unnamed, since a search scans the table anyway.
        let rows = try await executor.read(
            """
            SELECT matching.total, page.id, page.owner_id, page.name, page.description, page.created_at, page.updated_at
            FROM (
                SELECT count(*) AS total FROM examples
                WHERE deleted_at IS NULL
                    AND (lower(name COLLATE "C") LIKE \(pattern) ESCAPE '\\' OR lower(description COLLATE "C") LIKE \(pattern) ESCAPE '\\')
            ) AS matching
            LEFT JOIN LATERAL (
                SELECT id, owner_id, name, description, created_at, updated_at FROM examples
                WHERE deleted_at IS NULL
                    AND (lower(name COLLATE "C") LIKE \(pattern) ESCAPE '\\' OR lower(description COLLATE "C") LIKE \(pattern) ESCAPE '\\')
                ORDER BY created_at DESC, id DESC LIMIT \(page.limit) OFFSET \(page.offset)
            ) AS page ON true
            ORDER BY page.created_at DESC, page.id DESC
            """
        )
        return try Self.page(rows, request: page)
    }

    func search(_ query: SearchQuery, page: PageRequest) async throws -> Page<SearchHit<Example>> {
        let text = TSQuery.render(query)
        // As `list`: the count and the page in one statement, from one snapshot. ts_rank weighs the name (A) above
        // the description (B); the GIN index over live rows serves the match.
        let rows = try await executor.read(
            """
            SELECT matching.total, page.rank, page.id, page.owner_id, page.name, page.description, page.created_at, page.updated_at
            FROM (SELECT to_tsquery('simple', \(text)) AS query) AS search
            CROSS JOIN LATERAL (
                SELECT count(*) AS total FROM examples WHERE deleted_at IS NULL AND search_vector @@ search.query
            ) AS matching
            LEFT JOIN LATERAL (
                SELECT id, owner_id, name, description, created_at, updated_at, ts_rank(search_vector, search.query)::float8 AS rank
                FROM examples WHERE deleted_at IS NULL AND search_vector @@ search.query
                ORDER BY rank DESC, created_at DESC, id DESC LIMIT \(page.limit) OFFSET \(page.offset)
            ) AS page ON true
            ORDER BY page.rank DESC, page.created_at DESC, page.id DESC
            """
        )
        var total = 0
        var hits: [SearchHit<Example>] = []
        for row in rows {
            var reader = RowReader(row)
            total = try reader.int()
            guard !reader.nextIsNull else { continue }
            let rank = try reader.next(Double.self)
            let example = try Self.example(&reader)
            hits.append(SearchHit(item: example, rank: rank, highlights: query.highlights(of: example.searchFields)))
        }
        return Page(items: hits, total: total, request: page)
    }

    /// The page of a list statement: every row carries the total, followed by an example or NULLs.
    private static func page(_ rows: [PostgresRow], request: PageRequest) throws -> Page<Example> {
        var total = 0
        var items: [Example] = []
        for row in rows {
            var reader = RowReader(row)
            total = try reader.int()
            if !reader.nextIsNull { items.append(try Self.example(&reader)) }
        }
        return Page(items: items, total: total, request: request)
    }

    func update(_ example: Example) async throws -> Bool {
        try await executor.execute(
            """
            UPDATE examples SET name = \(text: example.name), description = \(text: example.description), updated_at = \(time: example.updatedAt)
            WHERE id = \(example.id) AND deleted_at IS NULL
            """
        ) == 1
    }

    func softDelete(id: UUID, at date: Date) async throws -> Bool {
        try await executor.execute("UPDATE examples SET deleted_at = \(time: date) WHERE id = \(id) AND deleted_at IS NULL") == 1
    }

    private static func example(_ reader: inout RowReader) throws -> Example {
        Example(
            id: try reader.next(UUID.self),
            ownerID: try reader.next(UUID?.self),
            name: try reader.text(),
            description: try reader.optionalText(),
            createdAt: try reader.time(),
            updatedAt: try reader.time()
        )
    }
}
