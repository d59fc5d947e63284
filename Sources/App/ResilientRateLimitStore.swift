import Domain
import Foundation
import Logging
import MemoryAdapters
import Synchronization

/// A shared rate-limit store that keeps counting when it cannot be reached: while Redis is down, each instance counts
/// in its own memory (so limits hold per instance rather than not at all), and the API keeps answering instead of
/// failing every request on the limiter. Counting returns to the shared store as soon as it answers again.
final class ResilientRateLimitStore: RateLimitStore {
    let shared: any RateLimitStore
    let fallback: RateLimitMemoryStore
    let logger: Logger
    /// When the last warning about the fallback was logged, so an outage logs once a minute rather than per request.
    private let lastWarning = Mutex<Date?>(nil)

    init(shared: any RateLimitStore, fallback: RateLimitMemoryStore = RateLimitMemoryStore(), logger: Logger) {
        self.shared = shared
        self.fallback = fallback
        self.logger = logger
    }

    func hit(key: String, limit: Int, window: TimeInterval, now: Date) async throws -> RateLimitDecision {
        do {
            return try await shared.hit(key: key, limit: limit, window: window, now: now)
        } catch DomainError.unavailable(let dependency) {
            let due = lastWarning.withLock { last in
                guard last.map({ now.timeIntervalSince($0) >= 60 }) ?? true else { return false }
                last = now
                return true
            }
            if due { logger.warning("rate limits counted in this instance only while \(dependency) is unavailable") }
            return await fallback.hit(key: key, limit: limit, window: window, now: now)
        }
    }
}
