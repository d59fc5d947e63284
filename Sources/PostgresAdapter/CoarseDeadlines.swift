import NIOCore
import NIOPosix
import Synchronization

/// Deadlines for waits that almost always end long before them (a lease, an answer from the server), checked ten times
/// a second by one repeating timer.
///
/// A timer of its own per statement costs two cross-thread hand-offs to an event loop, each waking it: one to schedule
/// it and one to cancel it when the statement is answered, as nearly all are. Here scheduling and cancelling are a
/// dictionary insert and removal under a lock, and a deadline fires at most one tick late, which is nothing next to
/// query timeouts of seconds.
final class CoarseDeadlines: Sendable {
    /// The process's deadlines, on one event loop of the shared group.
    static let shared = CoarseDeadlines(tick: .milliseconds(100))

    private struct Entry {
        let deadline: ContinuousClock.Instant
        let action: @Sendable () -> Void
    }

    private struct State {
        var nextID: UInt64 = 0
        var entries: [UInt64: Entry] = [:]
        var ticking = false
    }

    private let state = Mutex(State())
    private let tick: Duration

    init(tick: Duration) {
        self.tick = tick
    }

    /// A scheduled deadline; `cancel()` once the wait it guards has ended.
    struct Deadline: Sendable {
        fileprivate let id: UInt64
        fileprivate let owner: CoarseDeadlines

        func cancel() {
            owner.state.withLock { _ = $0.entries.removeValue(forKey: id) }
        }
    }

    /// Runs `action` (on an event loop: it must not block) once `delay` has passed, unless cancelled before.
    func schedule(in delay: Duration, _ action: @escaping @Sendable () -> Void) -> Deadline {
        let entry = Entry(deadline: ContinuousClock.now + delay, action: action)
        let (id, startTicking) = state.withLock { state in
            state.nextID &+= 1
            state.entries[state.nextID] = entry
            defer { state.ticking = true }
            return (state.nextID, !state.ticking)
        }
        if startTicking {
            let tick = TimeAmount(tick)
            MultiThreadedEventLoopGroup.singleton.any().scheduleRepeatedTask(initialDelay: tick, delay: tick) { [self] _ in fireExpired() }
        }
        return Deadline(id: id, owner: self)
    }

    /// Runs, and forgets, every deadline that has passed.
    func fireExpired(now: ContinuousClock.Instant = .now) {
        let due = state.withLock { state -> [@Sendable () -> Void] in
            let expired = state.entries.filter { $0.value.deadline <= now }
            for id in expired.keys { state.entries.removeValue(forKey: id) }
            return expired.values.map(\.action)
        }
        for action in due { action() }
    }

    /// Deadlines scheduled and neither fired nor cancelled.
    var pending: Int { state.withLock { $0.entries.count } }
}
