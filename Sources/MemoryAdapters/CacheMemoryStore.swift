import Domain
import Foundation

/// `Cache` for one process: entries expire by the monotonic clock, and expired ones are pruned as the cache is used.
/// It holds at most `maximumEntries`: past that, expired entries go first, then a tenth of the rest (any of them: a
/// cache may forget anything), so memory stays bounded however many distinct keys are written.
public actor CacheMemoryStore: Cache {
    private var entries: [String: (value: String, expires: ContinuousClock.Instant)] = [:]
    private var writesSincePrune = 0
    private let pruneEvery: Int
    private let maximumEntries: Int

    public init(pruneEvery: Int = 1000, maximumEntries: Int = 100_000) {
        self.pruneEvery = pruneEvery
        self.maximumEntries = max(1, maximumEntries)
    }

    /// How many entries are held (expired ones included until pruned).
    public var count: Int { entries.count }

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
        if writesSincePrune >= pruneEvery || entries.count > maximumEntries {
            writesSincePrune = 0
            let now = ContinuousClock.now
            entries = entries.filter { $0.value.expires > now }
            if entries.count > maximumEntries {
                for key in Array(entries.keys.prefix(entries.count - maximumEntries * 9 / 10)) { entries[key] = nil }
            }
        }
    }

    public func remove(_ key: String) {
        entries[key] = nil
    }
}
