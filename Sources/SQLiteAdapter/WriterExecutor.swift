import Foundation
import Logging
import NIOCore
import NIOPosix

/// The writer connection while its holder has the write lock: reads see the holder's uncommitted writes.
struct WriterExecutor: SQLiteExecutor {
    let connection: SQLiteConnection
    let threadPool: NIOThreadPool
    let eventLoop: any EventLoop
    /// True inside a transaction this executor's holder opened with `write`: further writes join it.
    private(set) var joinsTransaction = false

    init(connection: SQLiteConnection, threadPool: NIOThreadPool, eventLoop: any EventLoop) {
        self.connection = connection
        self.threadPool = threadPool
        self.eventLoop = eventLoop
    }

    func write<T: Sendable>(_ body: (any SQLiteExecutor) async throws -> T) async throws -> T {
        guard !joinsTransaction else { return try await body(self) }
        try await execute("BEGIN IMMEDIATE", [])
        var inside = self
        inside.joinsTransaction = true
        do {
            let result = try await body(inside)
            try await end("COMMIT")
            return result
        } catch {
            try? await end("ROLLBACK")
            throw error
        }
    }

    func queries(_ statements: [(sql: String, bindings: [SQLiteValue])]) async throws -> [[SQLiteRow]] {
        try await threadPool.runIfActive { try connection.queries(statements) }
    }

    /// Ends the transaction with COMMIT or ROLLBACK even when the task is cancelled: a transaction left open
    /// would swallow every later write.
    func end(_ sql: String) async throws {
        _ = try await threadPool.runIfActive(eventLoop: eventLoop) { try connection.execute(sql, []) }.get()
    }

    /// The writer is handed back with no transaction open, whatever happened while it was held.
    func rollbackIfOpen(logger: Logger) async throws {
        let rolledBack = try await threadPool.runIfActive(eventLoop: eventLoop) { () -> Bool in
            guard connection.isInTransaction else { return false }
            try connection.execute("ROLLBACK", [])
            return true
        }.get()
        if rolledBack { logger.error("an unfinished transaction was rolled back when the writer was released") }
    }

    func query(_ sql: String, _ bindings: [SQLiteValue]) async throws -> [SQLiteRow] {
        try await threadPool.runIfActive { try connection.query(sql, bindings) }
    }

    @discardableResult
    func execute(_ sql: String, _ bindings: [SQLiteValue]) async throws -> Int {
        try await threadPool.runIfActive { try connection.execute(sql, bindings) }
    }

    func executeScript(_ sql: String) async throws {
        try await threadPool.runIfActive { try connection.executeScript(sql) }
    }
}
