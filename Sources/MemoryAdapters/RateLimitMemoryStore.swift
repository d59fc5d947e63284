import Domain
import Foundation

/// `RateLimitStore` for one process: fixed windows and failure throttles counted in dictionaries that prune themselves.
public actor RateLimitMemoryStore: RateLimitStore {
    private struct Counter {
        var windowStart: Date
        var count: Int
        var windowEnd: Date
    }

    private struct Failures {
        var state: ThrottleState
        /// When the failures are forgotten, if no other is counted meanwhile.
        var forgottenAt: Date
        /// The last failure before the latest attempt was taken, restored when that attempt is forgiven.
        var previousFailureAt: Date?
        /// The policy's `forgetAfter`, to move `forgottenAt` back with the last failure.
        var forgetAfter: TimeInterval
    }

    private var counters: [String: Counter] = [:]
    private var throttles: [String: Failures] = [:]
    private var hitsSincePrune = 0
    private let pruneEvery: Int

    public init(pruneEvery: Int = 10_000) {
        self.pruneEvery = pruneEvery
    }

    public func hit(key: String, limit: Int, window: TimeInterval, now: Date) -> RateLimitDecision {
        let windowStart = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / window).rounded(.down) * window)
        let fresh = Counter(windowStart: windowStart, count: 0, windowEnd: windowStart.addingTimeInterval(window))
        var counter = counters[key] ?? fresh
        if counter.windowStart != windowStart { counter = fresh }
        counter.count += 1
        counters[key] = counter
        pruneIfDue(now: now)
        return RateLimitDecision(
            allowed: counter.count <= limit,
            limit: limit,
            remaining: max(0, limit - counter.count),
            resetAt: counter.windowEnd
        )
    }

    public func reserveAttempt(key: String, policy: ThrottlePolicy, now: Date) -> ThrottleDecision {
        var state = failures(key: key, policy: policy, now: now)
        if let allowed = policy.nextAttempt(after: state, now: now) { return .refused(until: allowed) }
        let previous = state.lastFailureAt
        state.failures += 1
        let last = max(now, state.lastFailureAt ?? now)
        state.lastFailureAt = last
        throttles[key] = Failures(
            state: state, forgottenAt: last.addingTimeInterval(policy.forgetAfter), previousFailureAt: previous, forgetAfter: policy.forgetAfter)
        pruneIfDue(now: now)
        return .allowed
    }

    public func forgiveAttempt(key: String, reservedAt: Date) {
        guard var entry = throttles[key], entry.state.failures > 0 else { return }
        entry.state.failures -= 1
        if entry.state.lastFailureAt == reservedAt, let previous = entry.previousFailureAt {
            // No attempt was taken after this one: the last failure is again the one before it, forgotten on its own time.
            entry.state.lastFailureAt = previous
            entry.forgottenAt = previous.addingTimeInterval(entry.forgetAfter)
            entry.previousFailureAt = nil
        }
        throttles[key] = entry.state.failures > 0 ? entry : nil
    }

    public func clearFailures(key: String) {
        throttles[key] = nil
    }

    public func failures(key: String, policy: ThrottlePolicy, now: Date) -> ThrottleState {
        guard let entry = throttles[key], entry.forgottenAt > now else { return ThrottleState() }
        return entry.state.current(policy, now: now)
    }

    /// Number of keys currently tracked (for tests of pruning).
    public var trackedKeys: Int { counters.count + throttles.count }

    private func pruneIfDue(now: Date) {
        hitsSincePrune += 1
        guard hitsSincePrune >= pruneEvery else { return }
        hitsSincePrune = 0
        counters = counters.filter { $0.value.windowEnd > now }
        throttles = throttles.filter { $0.value.forgottenAt > now }
    }
}
