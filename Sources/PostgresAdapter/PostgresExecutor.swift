import Domain
import Logging
import PostgresNIO
import Telemetry

/// Where a repository's statements run: on a connection of the pool, leased per statement, or on the connection of
/// the transaction the repository was handed in.
struct PostgresExecutor: Sendable {
    enum Target: Sendable {
        case pool(PostgresDatabase)
        case transaction(PostgresConnection, of: PostgresDatabase)
    }

    let target: Target
    let logger: Logger

    var isTransaction: Bool {
        if case .transaction = target { return true }
        return false
    }

    /// Runs a statement that changes nothing and returns its rows.
    @discardableResult
    func read(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await run(query, writes: false).rows
    }

    /// Runs a prepared statement that changes nothing and returns its rows.
    func read<Statement: PreparedRead>(_ statement: Statement) async throws -> [PostgresRow] {
        try await Traces.clientSpan("db \(Statement.name)", system: "postgresql") {
            try await readPrepared(statement)
        }
    }

    private func readPrepared<Statement: PreparedRead>(_ statement: Statement) async throws -> [PostgresRow] {
        try await PostgresFailure.translating(logger: logger) {
            switch target {
            case .transaction(let connection, let database):
                return try await database.answer(statement, on: connection)
            case .pool(let database):
                return try await database.withConnection { connection in try await database.answer(statement, on: connection) }
            }
        }
    }

    /// Runs a statement that changes rows and returns the rows it returns (`RETURNING`).
    @discardableResult
    func write(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await run(query, writes: true).rows
    }

    /// Runs a statement that changes rows and returns how many it changed.
    @discardableResult
    func execute(_ query: PostgresQuery) async throws -> Int {
        try await run(query, writes: true).metadata.rows ?? 0
    }

    private func run(_ query: PostgresQuery, writes: Bool) async throws -> PostgresQueryResult {
        try await Traces.clientSpan("db \(Self.verb(query))", system: "postgresql") {
            try await runStatement(query, writes: writes)
        }
    }

    /// The statement's first keyword (`SELECT`, `INSERT`…), which names its span; the rest stays out.
    static func verb(_ query: PostgresQuery) -> Substring {
        query.sql.drop(while: { $0.isWhitespace }).prefix(while: { $0.isLetter })
    }

    private func runStatement(_ query: PostgresQuery, writes: Bool) async throws -> PostgresQueryResult {
        try await PostgresFailure.translating(logger: logger) {
            switch target {
            case .transaction(let connection, let database):
                return try await database.answer(query, on: connection)
            case .pool(let database):
                // A write beside the caller's own transaction could wait for rows that transaction holds, forever.
                if writes { try await database.refuseInsideTransaction() }
                return try await database.withConnection { connection in try await database.answer(query, on: connection) }
            }
        }
    }
}
