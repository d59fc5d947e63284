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
        try await either(now: now) {
            try await shared.hit(key: key, limit: limit, window: window, now: now)
        } fallback: {
            await fallback.hit(key: key, limit: limit, window: window, now: now)
        }
    }

    func reserveAttempt(key: String, policy: ThrottlePolicy, now: Date) async throws -> ThrottleDecision {
        try await either(now: now) {
            try await shared.reserveAttempt(key: key, policy: policy, now: now)
        } fallback: {
            await fallback.reserveAttempt(key: key, policy: policy, now: now)
        }
    }

    func forgiveAttempt(key: String, reservedAt: Date) async throws {
        try await either(now: Date()) {
            try await shared.forgiveAttempt(key: key, reservedAt: reservedAt)
        } fallback: {
            await fallback.forgiveAttempt(key: key, reservedAt: reservedAt)
        }
    }

    func clearFailures(key: String) async throws {
        // Both: failures counted here during an outage must not outlive an unlock either.
        await fallback.clearFailures(key: key)
        try await either(now: Date()) {
            try await shared.clearFailures(key: key)
        } fallback: {
        }
    }

    func failures(key: String, policy: ThrottlePolicy, now: Date) async throws -> ThrottleState {
        try await either(now: now) {
            try await shared.failures(key: key, policy: policy, now: now)
        } fallback: {
            await fallback.failures(key: key, policy: policy, now: now)
        }
    }

    /// The shared store's answer, or the fallback's while the shared store is unavailable.
    private func either<T>(now: Date, _ primary: () async throws -> T, fallback: () async -> T) async throws -> T {
        do {
            return try await primary()
        } catch DomainError.unavailable(let dependency) {
            let due = lastWarning.withLock { last in
                guard last.map({ now.timeIntervalSince($0) >= 60 }) ?? true else { return false }
                last = now
                return true
            }
            if due { logger.warning("rate limits counted in this instance only while \(dependency) is unavailable") }
            return await fallback()
        }
    }
}
