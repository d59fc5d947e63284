import Foundation

/// How failures under one key slow further attempts down: the first `freeFailures` cost nothing; from then on each
/// attempt waits after the last failure, `firstWait` at first and twice as long after every further failure, up to
/// `maximumWait`. Failures are forgotten `forgetAfter` after the last one.
public struct ThrottlePolicy: Sendable, Equatable {
    public var freeFailures: Int
    public var firstWait: TimeInterval
    public var maximumWait: TimeInterval
    public var forgetAfter: TimeInterval

    public init(freeFailures: Int, firstWait: TimeInterval = 1, maximumWait: TimeInterval, forgetAfter: TimeInterval) {
        self.freeFailures = freeFailures
        self.firstWait = firstWait
        self.maximumWait = maximumWait
        self.forgetAfter = forgetAfter
    }

    /// How long the attempt after `failures` failures waits after the last of them (zero while they are free).
    public func wait(afterFailures failures: Int) -> TimeInterval {
        guard failures >= freeFailures else { return 0 }
        // 2^40 seconds is far beyond any maximum: the cap keeps the power finite.
        let doublings = min(failures - freeFailures, 40)
        return min(maximumWait, firstWait * pow(2, Double(doublings)))
    }

    /// When the next attempt is allowed, or nil when it is allowed now.
    public func nextAttempt(after state: ThrottleState, now: Date) -> Date? {
        guard let last = state.lastFailureAt, state.failures > 0, now < last.addingTimeInterval(forgetAfter) else { return nil }
        let allowed = last.addingTimeInterval(wait(afterFailures: state.failures))
        return allowed > now ? allowed : nil
    }
}

/// The failures counted under one key.
public struct ThrottleState: Sendable, Equatable {
    /// Failures since they were last forgotten, attempts still being checked included.
    public var failures: Int
    /// When the last of them was counted (nil when there are none).
    public var lastFailureAt: Date?

    public init(failures: Int = 0, lastFailureAt: Date? = nil) {
        self.failures = failures
        self.lastFailureAt = lastFailureAt
    }

    /// The state once failures older than `policy.forgetAfter` are forgotten.
    public func current(_ policy: ThrottlePolicy, now: Date) -> ThrottleState {
        guard let last = lastFailureAt, failures > 0, now < last.addingTimeInterval(policy.forgetAfter) else { return ThrottleState() }
        return self
    }
}

/// Whether `RateLimitStore.reserveAttempt` took an attempt.
public enum ThrottleDecision: Sendable, Equatable {
    /// The attempt was taken and counted as a failure until it is forgiven.
    case allowed
    /// Too many recent failures: no attempt before this date.
    case refused(until: Date)
}
