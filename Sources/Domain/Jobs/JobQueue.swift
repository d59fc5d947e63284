import Foundation

/// Background jobs delivered at least once: a reserved job carries a lease; if its worker dies, the job is
/// delivered again when the lease expires. Handlers must therefore be idempotent. Jobs that keep failing move to a
/// dead-letter queue that keeps their original queue, payload, last error and attempt count.
public protocol JobQueue: Sendable {
    /// Adds a job; an id the queue already knows is ignored: live, dead, or completed within `completedIDsKept`, so a
    /// request relayed twice (the outbox relay retried after queueing it) never runs twice.
    func enqueue(_ request: JobRequest, now: Date) async throws
    /// Reserves the due job of `queue` that has waited longest, for `lease` seconds; nil when none is due.
    func reserve(from queue: String, lease: TimeInterval, now: Date) async throws -> Reservation?
    /// Removes a finished job, remembering its id until `now` + `completedIDsKept`; false when the reservation's lease
    /// was lost.
    func complete(_ reservation: Reservation, now: Date) async throws -> Bool
    /// Makes a failed job due again at `at`, keeping `error`; false when the lease was lost.
    func retry(_ reservation: Reservation, error: String, at: Date) async throws -> Bool
    /// Moves a failed job to the dead-letter queue; false when the lease was lost.
    func bury(_ reservation: Reservation, error: String, now: Date) async throws -> Bool
    /// Dead jobs, most recently failed first, optionally of one queue.
    func deadLetters(queue: String?, page: PageRequest) async throws -> Page<Job>
    /// Puts a dead job back on its original queue with a fresh count of attempts; false when there is none.
    func requeueDeadLetter(id: UUID, now: Date) async throws -> Bool
    /// Deletes a dead job; false when there is none.
    func removeDeadLetter(id: UUID) async throws -> Bool
    /// Deletes dead jobs that failed before `date`; returns how many.
    func purgeDeadLetters(failedBefore date: Date) async throws -> Int
    /// Counts per queue at `now`.
    func counts(now: Date) async throws -> [String: QueueCounts]
}

/// How long a queue remembers the id of a completed job, to ignore it if it is enqueued again.
public let completedIDsKept: TimeInterval = 24 * 60 * 60
