import Foundation

/// The outcome of counting one request against a limit.
public struct RateLimitDecision: Sendable, Equatable {
    /// Whether the request is within the limit.
    public let allowed: Bool
    /// The limit that was applied.
    public let limit: Int
    /// Requests left in the current window (never negative).
    public let remaining: Int
    /// When the current window ends and the count starts afresh.
    public let resetAt: Date

    public init(allowed: Bool, limit: Int, remaining: Int, resetAt: Date) {
        self.allowed = allowed
        self.limit = limit
        self.remaining = remaining
        self.resetAt = resetAt
    }
}

extension RateLimitDecision {
    /// Whole seconds from `now` until the window ends, at least 1: the `Retry-After` of a refusal.
    public func retryAfterSeconds(now: Date) -> Int {
        max(1, Int(resetAt.timeIntervalSince(now).rounded(.up)))
    }
}

/// Counts requests per key in fixed windows, and failures per key with growing waits (`ThrottlePolicy`); shared
/// between instances when its adapter is.
public protocol RateLimitStore: Sendable {
    /// Counts one hit for `key` in the window containing `now` and says whether it is within `limit`.
    func hit(key: String, limit: Int, window: TimeInterval, now: Date) async throws -> RateLimitDecision
    /// Takes one attempt for `key` when `policy` allows one at `now`, counting it as a failure in the same step.
    func reserveAttempt(key: String, policy: ThrottlePolicy, now: Date) async throws -> ThrottleDecision
    /// Gives back one attempt that `reserveAttempt` took at `reservedAt` and that did not fail. When no attempt was
    /// taken after it, the last failure goes back to when it was before, so attempts that did not fail never keep
    /// failures from being forgotten.
    func forgiveAttempt(key: String, reservedAt: Date) async throws
    /// Forgets every failure counted for `key`.
    func clearFailures(key: String) async throws
    /// Reads the failures counted for `key` without counting anything.
    func failures(key: String, policy: ThrottlePolicy, now: Date) async throws -> ThrottleState
}
