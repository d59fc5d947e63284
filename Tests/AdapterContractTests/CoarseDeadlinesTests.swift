import Synchronization
import Testing

@testable import PostgresAdapter

/// The coarse deadlines behind the lease and answer timeouts: due ones fire once, cancelled and future ones never.
@Suite struct CoarseDeadlinesTests {
    @Test func aPassedDeadlineFiresOnceAndACancelledOrFutureOneDoesNot() {
        let deadlines = CoarseDeadlines(tick: .seconds(3600))
        let fired = Mutex<[String]>([])
        let start = ContinuousClock.now
        _ = deadlines.schedule(in: .seconds(1)) { fired.withLock { $0.append("due") } }
        let cancelled = deadlines.schedule(in: .seconds(1)) { fired.withLock { $0.append("cancelled") } }
        _ = deadlines.schedule(in: .seconds(60)) { fired.withLock { $0.append("later") } }
        cancelled.cancel()

        deadlines.fireExpired(now: start + .seconds(2))
        deadlines.fireExpired(now: start + .seconds(3))

        #expect(fired.withLock { $0 } == ["due"])
        #expect(deadlines.pending == 1)
        deadlines.fireExpired(now: start + .seconds(61))
        #expect(fired.withLock { $0 } == ["due", "later"])
        #expect(deadlines.pending == 0)
    }

    /// The repeating timer fires deadlines by itself, without anyone calling `fireExpired`.
    @Test func theTimerFiresADeadlineOnItsOwn() async throws {
        let deadlines = CoarseDeadlines(tick: .milliseconds(10))
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            _ = deadlines.schedule(in: .milliseconds(20)) { continuation.resume() }
        }
        #expect(deadlines.pending == 0)
    }
}
