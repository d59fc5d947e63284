import Domain
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

extension PostgresDatabase {
    /// Runs `body` with a connection of the pool, waiting at most `queryTimeout` for one.
    ///
    /// The pool itself waits for a connection as long as it keeps trying to open one (a minute when the server is
    /// down), and its lease cannot be given a deadline. So a child task takes the lease and holds it while this task
    /// uses the connection, and a timer gives up on the lease when the time is over: the request then gets a 503 in
    /// seconds. Once leased, the connection is the caller's until `body` returns, whatever the clock says;
    /// each statement is bounded by the server's `statement_timeout` and, when the server stops answering, by `answer`.
    func withConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let lease = LeaseState()
        let (events, announce) = AsyncStream.makeStream(of: LeaseEvent.self)
        return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
            group.addTask { [client, running] in
                do {
                    // A pool whose `run()` has not started yet is waited for, within the same deadline.
                    await running.wait()
                    try Task.checkCancellation()
                    try await client.withConnection { connection in
                        guard lease.claim() else { return }
                        announce.yield(.leased(connection))
                        // Held until the caller gives it back, even when the caller's task is cancelled: a connection
                        // in the middle of a transaction must not serve anyone else.
                        await lease.waitUntilGivenBack()
                    }
                } catch {
                    announce.yield(.failed(error))
                }
            }
            // A coarse deadline rather than a sleeping task or a timer of its own: cheaper on every statement.
            let deadline = CoarseDeadlines.shared.schedule(in: queryTimeout) {
                if lease.expire() { announce.yield(.failed(PostgresLeaseTimeout())) }
            }
            defer {
                deadline.cancel()
                lease.giveBack()
                group.cancelAll()
            }
            var iterator = events.makeAsyncIterator()
            usage.waiting.add(1, ordering: .relaxed)
            let event = await iterator.next()
            usage.waiting.subtract(1, ordering: .relaxed)
            switch event {
            case .leased(let connection):
                usage.inUse.add(1, ordering: .relaxed)
                defer { usage.inUse.subtract(1, ordering: .relaxed) }
                return try await body(connection)
            case .failed(let error): throw error
            case nil: throw CancellationError()
            }
        }
    }
}

private enum LeaseEvent: Sendable {
    case leased(PostgresConnection)
    case failed(any Error)
}

/// Whether the lease arrived before the deadline (exactly one of `claim` and `expire` succeeds), and when the caller
/// gives the connection back.
private final class LeaseState: Sendable {
    private enum Phase {
        case waiting, leased, expired
    }

    private struct State {
        var phase = Phase.waiting
        var givenBack = false
        var holder: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    func claim() -> Bool { move(to: .leased) }
    func expire() -> Bool { move(to: .expired) }

    private func move(to next: Phase) -> Bool {
        state.withLock { state in
            guard state.phase == .waiting else { return false }
            state.phase = next
            return true
        }
    }

    /// Returns once `giveBack` was called (before or after); cancellation does not end the wait.
    func waitUntilGivenBack() async {
        await withCheckedContinuation { continuation in
            let givenBack = state.withLock { state in
                if !state.givenBack { state.holder = continuation }
                return state.givenBack
            }
            if givenBack { continuation.resume() }
        }
    }

    func giveBack() {
        let holder = state.withLock { state in
            state.givenBack = true
            defer { state.holder = nil }
            return state.holder
        }
        holder?.resume()
    }
}

/// Opens once, for good: `wait()` returns at once after `start()`, until then waits for it or for cancellation.
final class StartSignal: Sendable {
    private struct State {
        var started = false
        var nextWaiter = 0
        var waiting: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    func start() {
        let waiting = state.withLock { state in
            state.started = true
            defer { state.waiting = [:] }
            return state.waiting.values
        }
        for waiter in waiting { waiter.resume() }
    }

    func wait() async {
        guard !state.withLock({ $0.started }) else { return }
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state in
                    guard !state.started, !Task.isCancelled else { return true }
                    state.waiting[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiting.removeValue(forKey: id) }?.resume()
        }
    }
}

/// No connection of the pool became free within the query timeout.
struct PostgresLeaseTimeout: Error, CustomStringConvertible {
    var description: String { "no database connection became available within the query timeout" }
}

/// How the pool is used right now, for metrics: connections leased, and statements waiting for one.
public final class PostgresPoolUsage: Sendable {
    let inUse = Atomic<Int>(0)
    let waiting = Atomic<Int>(0)
    /// The most connections the pool opens (`DATABASE_POOL_SIZE`).
    public let size: Int

    init(size: Int) {
        self.size = size
    }

    public var connectionsInUse: Int { inUse.load(ordering: .relaxed) }
    public var statementsWaiting: Int { waiting.load(ordering: .relaxed) }
}
