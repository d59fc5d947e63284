import Domain
import Foundation

/// `ExampleRepository` on SQLite. Every statement is parameterized.
struct ExampleSQLiteRepository: ExampleRepository {
    let executor: any SQLiteExecutor

    private static let columns = "id, name, description, created_at, updated_at"

    func insert(_ example: Example) async throws {
        try await executor.execute(
            "INSERT INTO examples (id, name, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
            [.uuid(example.id), .text(example.name), .optionalText(example.description), .date(example.createdAt), .date(example.updatedAt)]
        )
    }

    func find(id: UUID) async throws -> Example? {
        let rows = try await executor.query(
            "SELECT \(Self.columns) FROM examples WHERE id = ? AND deleted_at IS NULL",
            [.uuid(id)]
        )
        return try rows.first.map(Self.example)
    }

    func list(search: String?, page: PageRequest) async throws -> Page<Example> {
        let filter: String
        var bindings: [SQLiteValue] = []
        if let search {
            filter = "deleted_at IS NULL AND (name LIKE ?1 ESCAPE '\\' OR description LIKE ?1 ESCAPE '\\')"
            bindings.append(.text("%" + Self.escapeLike(search) + "%"))
        } else {
            filter = "deleted_at IS NULL"
        }
        let count = try await executor.query("SELECT count(*) FROM examples WHERE \(filter)", bindings)
        let total = try count.first?.int64(0) ?? 0
        let limitIndex = bindings.count + 1
        let rows = try await executor.query(
            """
            SELECT \(Self.columns) FROM examples WHERE \(filter)
            ORDER BY created_at DESC, id DESC LIMIT ?\(limitIndex) OFFSET ?\(limitIndex + 1)
            """,
            bindings + [.integer(Int64(page.limit)), .integer(Int64(page.offset))]
        )
        return Page(items: try rows.map(Self.example), total: Int(total), request: page)
    }

    func update(_ example: Example) async throws -> Bool {
        let changed = try await executor.execute(
            "UPDATE examples SET name = ?, description = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL",
            [.text(example.name), .optionalText(example.description), .date(example.updatedAt), .uuid(example.id)]
        )
        return changed == 1
    }

    func softDelete(id: UUID, at date: Date) async throws -> Bool {
        let changed = try await executor.execute(
            "UPDATE examples SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
            [.date(date), .uuid(id)]
        )
        return changed == 1
    }

    private static func example(_ row: SQLiteRow) throws -> Example {
        Example(
            id: try row.uuid(0),
            name: try row.string(1),
            description: try row.optionalString(2),
            createdAt: try row.date(3),
            updatedAt: try row.date(4)
        )
    }

    /// Escapes LIKE's wildcards so the search term matches literally.
    private static func escapeLike(_ term: String) -> String {
        var escaped = ""
        for character in term {
            if character == "\\" || character == "%" || character == "_" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
