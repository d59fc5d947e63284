import Foundation

/// Runs the jobs of some kinds. Jobs are delivered at least once, so running one twice must be harmless.
public protocol JobHandler: Sendable {
    /// The job kinds this handler runs.
    var kinds: Set<String> { get }
    /// Runs `job`; a thrown `PermanentJobFailure` dead-letters it at once, any other error is retried.
    func run(_ job: Job) async throws
}

/// A failure that retrying cannot fix (a malformed job, a mailbox the server refuses for good).
public struct PermanentJobFailure: Error, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// Reserves jobs, hands each to the handler of its kind, and settles the outcome: done, retried later with
/// backoff, or dead-lettered.
public struct JobRunner: Sendable {
    /// How one reserved job ended.
    public enum Outcome: Sendable, Equatable {
        case completed
        case retried
        case buried
        /// The lease ran out while the job ran; another worker has it now.
        case leaseLost
        /// The worker stopped (its task was cancelled) before the job finished: the job is due again at once for
        /// another worker, and is never dead-lettered for it.
        case released
    }

    private let queue: any JobQueue
    private let handlers: [String: any JobHandler]
    private let retryPolicy: RetryPolicy
    private let clock: any WallClock
    private let jitter: @Sendable () -> Double
    private let events: (any EventBus)?

    /// `jitter` returns a value in 0..<1 (random in production) that spreads retries of jobs failing together. With
    /// `events`, a job moved to the dead-letter queue is announced as `job.failed` to those who manage jobs.
    public init(
        queue: any JobQueue, handlers: [any JobHandler], retryPolicy: RetryPolicy, clock: any WallClock,
        jitter: @escaping @Sendable () -> Double, events: (any EventBus)? = nil
    ) {
        self.events = events
        self.queue = queue
        var byKind: [String: any JobHandler] = [:]
        for handler in handlers {
            for kind in handler.kinds { byKind[kind] = handler }
        }
        self.handlers = byKind
        self.retryPolicy = retryPolicy
        self.clock = clock
        self.jitter = jitter
    }

    /// Reserves the next due job of `queueName` and runs it; nil when none was due.
    public func runNext(from queueName: String, lease: TimeInterval) async throws -> Outcome? {
        guard let reservation = try await queue.reserve(from: queueName, lease: lease, now: clock.now()) else { return nil }
        return try await run(reservation)
    }

    /// Runs a reserved job and settles it.
    public func run(_ reservation: Reservation) async throws -> Outcome {
        guard let handler = handlers[reservation.job.kind] else {
            return try await settle(reservation, error: "no handler for job kind \(reservation.job.kind)", permanent: true)
        }
        do {
            try await handler.run(reservation.job)
        } catch let failure as PermanentJobFailure {
            return try await settle(reservation, error: failure.message, permanent: true)
        } catch  where Task.isCancelled {
            // Shutdown ran out of time: hand the job back now rather than after its lease, whatever its attempts.
            let released = try await queue.retry(reservation, error: "the worker stopped before the job finished", at: clock.now())
            return released ? .released : .leaseLost
        } catch {
            return try await settle(reservation, error: String(describing: error), permanent: false)
        }
        return try await queue.complete(reservation, now: clock.now()) ? .completed : .leaseLost
    }

    private func settle(_ reservation: Reservation, error: String, permanent: Bool) async throws -> Outcome {
        let buries = permanent || reservation.job.attempts >= retryPolicy.maximumAttempts
        let settled = try await retryPolicy.settle(reservation, error: error, permanent: permanent, in: queue, now: clock.now(), jitter: jitter())
        guard settled else { return .leaseLost }
        if buries, let events {
            // Best effort: the dead-letter queue keeps the job whether or not anyone hears of it now. A reservation is
            // buried at most once, so its token is a fitting event id.
            let job = reservation.job
            let now = clock.now()
            try? await events.publish(
                DomainEvent(
                    id: reservation.token, type: "job.failed", audience: .permitted(.manageJobs),
                    data: ["jobId": job.id.uuidString.lowercased(), "queue": job.queue, "kind": job.kind, "attempts": String(job.attempts)],
                    occurredAt: now))
        }
        return buries ? .buried : .retried
    }
}
