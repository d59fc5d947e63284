import Domain
import Foundation

/// `Cache` for one process: entries expire by the monotonic clock, and expired ones are pruned as the cache is used.
public actor CacheMemoryStore: Cache {
    private var entries: [String: (value: String, expires: ContinuousClock.Instant)] = [:]
    private var writesSincePrune = 0
    private let pruneEvery: Int

    public init(pruneEvery: Int = 1000) {
        self.pruneEvery = pruneEvery
    }

    public func value(for key: String) -> String? {
        guard let entry = entries[key] else { return nil }
        guard entry.expires > .now else {
            entries[key] = nil
            return nil
        }
        return entry.value
    }

    public func set(_ value: String, for key: String, timeToLive: TimeInterval) {
        entries[key] = (value, .now + .milliseconds(Int64(max(0, timeToLive) * 1000)))
        writesSincePrune += 1
        if writesSincePrune >= pruneEvery {
            writesSincePrune = 0
            let now = ContinuousClock.now
            entries = entries.filter { $0.value.expires > now }
        }
    }

    public func remove(_ key: String) {
        entries[key] = nil
    }
}
