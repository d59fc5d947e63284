import Domain
import Foundation

/// `RateLimitStore` for one process: fixed windows counted in a dictionary that prunes itself.
public actor RateLimitMemoryStore: RateLimitStore {
    private struct Counter {
        var windowStart: Date
        var count: Int
    }

    private var counters: [String: Counter] = [:]
    private var hitsSincePrune = 0
    private let pruneEvery: Int

    public init(pruneEvery: Int = 10_000) {
        self.pruneEvery = pruneEvery
    }

    public func hit(key: String, limit: Int, window: TimeInterval, now: Date) -> RateLimitDecision {
        let windowStart = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / window).rounded(.down) * window)
        var counter = counters[key] ?? Counter(windowStart: windowStart, count: 0)
        if counter.windowStart != windowStart {
            counter = Counter(windowStart: windowStart, count: 0)
        }
        counter.count += 1
        counters[key] = counter
        pruneIfDue(now: now, window: window)
        return RateLimitDecision(
            allowed: counter.count <= limit,
            limit: limit,
            remaining: max(0, limit - counter.count),
            resetAt: windowStart.addingTimeInterval(window)
        )
    }

    /// Number of keys currently tracked (for tests of pruning).
    public var trackedKeys: Int { counters.count }

    private func pruneIfDue(now: Date, window: TimeInterval) {
        hitsSincePrune += 1
        guard hitsSincePrune >= pruneEvery else { return }
        hitsSincePrune = 0
        counters = counters.filter { $0.value.windowStart.addingTimeInterval(window) > now }
    }
}
