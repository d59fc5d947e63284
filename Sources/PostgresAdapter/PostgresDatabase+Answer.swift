import Logging
import PostgresNIO

extension PostgresDatabase {
    /// How long past the query timeout an answer may still arrive: the server ends every statement at the query
    /// timeout (`statement_timeout`), so a server that has not answered by then plus this margin is not answering.
    static let answerMargin = Duration.seconds(1)

    /// Runs one statement on `connection` (leased from the pool, or a transaction's) and collects its result, or throws
    /// `PostgresNoAnswer` once the answer is `answerMargin` late.
    ///
    /// Two waits would otherwise have no end. A server that stops answering (a network partition, a frozen host)
    /// leaves the statement waiting as long as TCP keeps the connection open, which on a quiet link is for ever, and
    /// `statement_timeout` cannot help when the server is the one not answering. And a statement written to a
    /// connection that has just closed (the pool can hand one out before it notices) is dropped by PostgresNIO without
    /// failing. So the wait has a deadline of its own, and a late connection is closed for the pool to replace.
    func answer(_ query: PostgresQuery, on connection: PostgresConnection) async throws -> PostgresQueryResult {
        try await awaitingAnswer(on: connection) { connection.query(query, logger: logger) }
    }

    /// Runs a prepared statement on `connection`, preparing it first when this connection has not yet, and collects its
    /// rows, with the same deadline as `answer(_:on:)`.
    func answer<Statement: PreparedRead>(_ statement: Statement, on connection: PostgresConnection) async throws -> [PostgresRow] {
        try await awaitingAnswer(on: connection) { [logger] in
            connection.eventLoop.makeFutureWithTask {
                var rows: [PostgresRow] = []
                for try await row in try await connection.execute(statement, logger: logger) { rows.append(row) }
                return rows
            }
        }
    }

    /// Waits for the answer `start` asks `connection` for, at most the query timeout and `answerMargin`; past that the
    /// connection is closed for the pool to replace and `PostgresNoAnswer` is thrown.
    private func awaitingAnswer<T: Sendable>(
        on connection: PostgresConnection, _ start: () -> EventLoopFuture<T>
    ) async throws -> T {
        guard !connection.isClosed else { throw PostgresNoAnswer() }
        let answer = connection.eventLoop.makePromise(of: T.self)
        let watchdog = CoarseDeadlines.shared.schedule(in: queryTimeout + Self.answerMargin) { [logger] in
            logger.warning("the database did not answer within the query timeout: connection closed")
            let _: EventLoopFuture<Void> = connection.close()
            answer.fail(PostgresNoAnswer())
        }
        let result = start()
        result.whenComplete { _ in watchdog.cancel() }
        // Whichever comes first, the result or the watchdog's failure, answers; the other is ignored.
        result.cascade(to: answer)
        return try await answer.futureResult.get()
    }
}

/// The database did not answer a statement within the query timeout and a margin, or its connection had closed.
struct PostgresNoAnswer: Error, CustomStringConvertible {
    var description: String { "no answer from the database: the connection had closed or stayed silent past the query timeout" }
}
