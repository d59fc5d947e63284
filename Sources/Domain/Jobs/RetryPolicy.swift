import Foundation

/// When a failed job is tried again: exponential backoff from `baseDelay` (1 s, 2 s, 4 s, ...), capped at
/// `maximumDelay`, with jitter so that jobs failing together do not retry together; after `maximumAttempts` it is
/// dead-lettered.
public struct RetryPolicy: Sendable, Equatable {
    public var maximumAttempts: Int
    public var baseDelay: TimeInterval
    public var maximumDelay: TimeInterval

    public init(maximumAttempts: Int = 3, baseDelay: TimeInterval = 1, maximumDelay: TimeInterval = 3600) {
        self.maximumAttempts = maximumAttempts
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
    }

    /// The wait after failed attempt number `attempt` (1-based); `jitter` in 0..<1 picks a point between half and
    /// all of the exponential delay.
    public func delay(afterAttempt attempt: Int, jitter: Double) -> TimeInterval {
        let exponential = min(maximumDelay, baseDelay * pow(2, Double(max(0, attempt - 1))))
        return exponential * (0.5 + 0.5 * min(max(jitter, 0), 1))
    }

    /// Settles a failed attempt: retried later, or dead-lettered when attempts are used up or the failure is
    /// permanent. Returns false when the reservation's lease was already lost.
    public func settle(
        _ reservation: Reservation,
        error: String,
        permanent: Bool,
        in queue: any JobQueue,
        now: Date,
        jitter: Double
    ) async throws -> Bool {
        if permanent || reservation.job.attempts >= maximumAttempts {
            return try await queue.bury(reservation, error: error, now: now)
        }
        let wait = delay(afterAttempt: reservation.job.attempts, jitter: jitter)
        return try await queue.retry(reservation, error: error, at: now.addingTimeInterval(wait))
    }
}
