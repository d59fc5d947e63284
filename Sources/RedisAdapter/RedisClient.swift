import Crypto
import Domain
import Foundation
import Logging
import NIOPosix
import ServiceLifecycle
import Synchronization
import Telemetry

/// Redis for every adapter that uses it (`REDIS_URL`): a bounded pool of blocking hiredis connections, each command
/// run on a thread of the client's own pool, never on an event loop or the cooperative pool.
///
/// A command that waited longer than the command timeout for a thread, or that finds the pool's queue full, is not
/// sent; a connection that fails is dropped with every idle one (after a restart of Redis they are all dead), and the
/// next command connects afresh. All of these, and every failure to reach Redis, are thrown as
/// `DomainError.unavailable("redis")`, which HTTP answers with 503; the log gets the detail.
///
/// It is a service: `run()` waits for graceful shutdown, then closes the connections and stops the threads.
public final class RedisClient: Service, DependencyCheck, Sendable {
    public let name = "redis"
    public let url: RedisURL
    private let connectTimeout: Duration
    private let commandTimeout: Duration
    private let threads: NIOThreadPool
    private let idle = Mutex<[IdleConnection]>([])
    private let waiting = Atomic<Int>(0)
    private let maximumWaiting: Int
    private let isClosed = Atomic<Bool>(false)
    private let logger: Logger

    /// - Parameters:
    ///   - poolSize: The most connections (and threads) this process uses.
    ///   - connectTimeout: How long opening one connection may take.
    ///   - commandTimeout: How long a command may wait for a thread, and then how long it may take to be answered.
    public init(url: RedisURL, poolSize: Int = 8, connectTimeout: Duration = .seconds(2), commandTimeout: Duration = .seconds(2), logger: Logger) {
        self.url = url
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        threads = NIOThreadPool(numberOfThreads: max(1, poolSize))
        threads.start()
        maximumWaiting = max(1, poolSize) * 256
        self.logger = logger
    }

    public func run() async throws {
        logger.info("redis client started", metadata: ["redis": "\(url)"])
        try? await gracefulShutdown()
        await close()
        logger.info("redis client closed")
    }

    /// Closes the idle connections and stops the threads; commands after that throw.
    public func close() async {
        guard isClosed.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
        idle.withLock { $0.removeAll() }
        try? await threads.shutdownGracefully()
    }

    public func ping() async throws {
        _ = try await send(["PING"])
    }

    /// Sends one command (`["SET", key, value]`) and returns Redis's answer. An error reply throws
    /// `RedisReplyError`; failing to reach Redis throws `DomainError.unavailable("redis")`.
    @discardableResult
    public func send(_ arguments: [String]) async throws -> RedisValue {
        // The command's name only: keys and values stay out of spans.
        try await Traces.clientSpan("redis \(arguments.first ?? "")", system: "redis") { try await sendTraced(arguments) }
    }

    private func sendTraced(_ arguments: [String]) async throws -> RedisValue {
        let queued = waiting.wrappingAdd(1, ordering: .relaxed).newValue
        defer { waiting.wrappingSubtract(1, ordering: .relaxed) }
        do {
            guard !isClosed.load(ordering: .relaxed) else { throw RedisConnectionFailure(reason: "the client is closed") }
            guard queued <= maximumWaiting else { throw RedisConnectionFailure(reason: "\(queued) commands already waiting") }
            let enqueued = ContinuousClock.now
            return try await threads.runIfActive { [self] in
                guard ContinuousClock.now - enqueued <= commandTimeout else {
                    throw RedisConnectionFailure(reason: "no connection free within the command timeout")
                }
                return try onConnection { try $0.command(arguments) }
            }
        } catch let error as RedisReplyError {
            throw error
        } catch is CancellationError {
            // The caller stopped waiting (a shutdown): Redis is not at fault, and nothing is worth an error line.
            throw CancellationError()
        } catch {
            logger.error("redis unavailable", metadata: ["error": "\(error)"])
            throw DomainError.unavailable("redis")
        }
    }

    /// Runs a Lua script by its digest, loading it first when Redis does not know it (after a restart or a flush).
    @discardableResult
    public func run(_ script: RedisScript, keys: [String], arguments: [String]) async throws -> RedisValue {
        let tail = [String(keys.count)] + keys + arguments
        do {
            return try await send(["EVALSHA", script.digest] + tail)
        } catch let error as RedisReplyError where error.message.hasPrefix("NOSCRIPT") {
            return try await send(["EVAL", script.source] + tail)
        }
    }

    /// Runs `body` on a pooled connection (opening one when none is idle), on the calling pool thread.
    private func onConnection<T>(_ body: (RedisConnection) throws -> T) throws -> T {
        let connection =
            try idle.withLock { $0.popLast() }?.connection
            ?? RedisConnection(url: url, connectTimeout: connectTimeout, commandTimeout: commandTimeout)
        do {
            let result = try body(connection)
            giveBack(connection)
            return result
        } catch let error as RedisReplyError {
            giveBack(connection)
            throw error
        } catch {
            // The others were opened before whatever broke this one (a restart of Redis): drop them too.
            idle.withLock { $0.removeAll() }
            throw error
        }
    }

    private func giveBack(_ connection: RedisConnection) {
        guard !connection.isBroken, !isClosed.load(ordering: .relaxed) else { return }
        idle.withLock { $0.append(IdleConnection(connection: connection)) }
    }
}

/// A connection in the idle list: only ever used by the one pool thread that took it out.
private struct IdleConnection: @unchecked Sendable {
    let connection: RedisConnection
}

/// A Lua script Redis runs atomically, called by its SHA-1 digest.
public struct RedisScript: Sendable {
    public let source: String
    public let digest: String

    public init(_ source: String) {
        self.source = source
        digest = Insecure.SHA1.hash(data: Data(source.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
