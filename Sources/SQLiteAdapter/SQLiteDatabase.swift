import Domain
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// Runs SQL on some connection: the database's pool, or the connection of one transaction.
protocol SQLiteExecutor: Sendable {
    func query(_ sql: String, _ bindings: [SQLiteValue]) async throws -> [SQLiteRow]
    /// Runs several queries on one consistent snapshot.
    func queries(_ statements: [(sql: String, bindings: [SQLiteValue])]) async throws -> [[SQLiteRow]]
    @discardableResult func execute(_ sql: String, _ bindings: [SQLiteValue]) async throws -> Int
    /// Runs `body` on the writer inside one transaction: the caller's when one is open (the writes join it), a
    /// transaction of its own otherwise. For statements that must change rows together or return what they changed.
    func write<T: Sendable>(_ body: (any SQLiteExecutor) async throws -> T) async throws -> T
}

/// The SQLite database selected by `DATABASE_URL=sqlite:PATH`: one writer connection and a few read-only ones in
/// WAL mode, every call run on a dedicated thread pool. It is a service so that it closes last on shutdown.
@dynamicMemberLookup
public final class SQLiteDatabase: Service, UnitOfWork, DependencyCheck, SQLiteExecutor {
    public let name = "database"
    public let path: String
    private let writer: SQLiteConnection
    private let readers: [SQLiteConnection]
    private let nextReader = Atomic<Int>(0)
    private let threadPool: NIOThreadPool
    private let writeLock = AsyncLock()
    private let isClosed = Mutex(false)
    private let eventLoop = MultiThreadedEventLoopGroup.singleton.any()
    private let logger: Logger

    private init(path: String, writer: SQLiteConnection, readers: [SQLiteConnection], threadPool: NIOThreadPool, logger: Logger) {
        self.path = path
        self.writer = writer
        self.readers = readers
        self.threadPool = threadPool
        self.logger = logger
    }

    /// Opens (creating when needed) the database file and its directory.
    public static func open(path: String, readerCount: Int = 3, logger: Logger) async throws -> SQLiteDatabase {
        let threadPool = NIOThreadPool(numberOfThreads: readerCount + 1)
        threadPool.start()
        do {
            let (writer, readers) = try await threadPool.runIfActive {
                let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                let writer = try SQLiteConnection(path: path, readOnly: false)
                try writer.executeScript("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")
                let readers = try (0..<readerCount).map { _ in try SQLiteConnection(path: path, readOnly: true) }
                return (writer, readers)
            }
            logger.info("sqlite database opened", metadata: ["path": "\(path)"])
            return SQLiteDatabase(path: path, writer: writer, readers: readers, threadPool: threadPool, logger: logger)
        } catch {
            try? await threadPool.shutdownGracefully()
            throw error
        }
    }

    /// Waits for graceful shutdown, then closes the connections: the HTTP server has drained by then.
    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }

    /// Closes every connection and stops the thread pool; later calls fail with `SQLiteError.closed`.
    public func close() async {
        let alreadyClosed = isClosed.withLock { closed in
            defer { closed = true }
            return closed
        }
        guard !alreadyClosed else { return }
        _ = try? await writeLock.withLock {
            // Not cancellable: a cancelled shutdown must still close the files.
            try await self.threadPool.runIfActive(eventLoop: self.eventLoop) {
                self.writer.close()
                for reader in self.readers { reader.close() }
            }.get()
        }
        try? await threadPool.shutdownGracefully()
        logger.info("sqlite database closed")
    }

    /// Every SQLite repository over `executor`: this engine's one list of them, for single calls (the database
    /// itself) and for transactions (the writer inside one). A new module adds its repository here.
    static func repositories(on executor: any SQLiteExecutor) -> Repositories {
        Repositories(
            examples: ExampleSQLiteRepository(executor: executor),
            users: UserSQLiteRepository(executor: executor),
            sessions: SessionSQLiteRepository(executor: executor),
            oneTimeTokens: OneTimeTokenSQLiteRepository(executor: executor),
            auditLog: AuditEventSQLiteLog(executor: executor),
            outbox: OutboxSQLiteRepository(executor: executor),
            attachments: AttachmentSQLiteRepository(executor: executor),
            avatars: AvatarSQLiteRepository(executor: executor)
        )
    }

    /// Repositories that run each call on its own.
    public var repositories: Repositories { Self.repositories(on: self) }

    /// `database.users` and the like: one repository of `repositories`.
    public subscript<Repository>(dynamicMember keyPath: KeyPath<Repositories, Repository>) -> Repository {
        repositories[keyPath: keyPath]
    }

    public func ping() async throws {
        _ = try await query("SELECT 1", [])
    }

    func query(_ sql: String, _ bindings: [SQLiteValue]) async throws -> [SQLiteRow] {
        let reader = readers[nextReader.wrappingAdd(1, ordering: .relaxed).oldValue % readers.count]
        return try await threadPool.runIfActive { try reader.query(sql, bindings) }
    }

    func queries(_ statements: [(sql: String, bindings: [SQLiteValue])]) async throws -> [[SQLiteRow]] {
        let reader = readers[nextReader.wrappingAdd(1, ordering: .relaxed).oldValue % readers.count]
        return try await threadPool.runIfActive { try reader.queries(statements) }
    }

    @discardableResult
    func execute(_ sql: String, _ bindings: [SQLiteValue]) async throws -> Int {
        try await writeLock.withLock {
            try await self.threadPool.runIfActive { try self.writer.execute(sql, bindings) }
        }
    }

    func write<T: Sendable>(_ body: (any SQLiteExecutor) async throws -> T) async throws -> T {
        try await withWriter { writer in try await writer.write(body) }
    }

    public func transaction<T: Sendable>(_ work: @Sendable (Repositories) async throws -> T) async throws -> T {
        try await write { executor in
            try await work(Self.repositories(on: executor))
        }
    }

    /// Runs `body` with exclusive use of the writer connection (for transactions and migrations).
    func withWriter<T: Sendable>(_ body: (WriterExecutor) async throws -> T) async throws -> T {
        try await writeLock.withLock {
            let executor = WriterExecutor(connection: writer, threadPool: threadPool, eventLoop: eventLoop)
            do {
                let result = try await body(executor)
                try await executor.rollbackIfOpen(logger: logger)
                return result
            } catch {
                try? await executor.rollbackIfOpen(logger: logger)
                throw error
            }
        }
    }
}
