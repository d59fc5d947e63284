import Foundation

/// A request to run a job: what to do (`kind`), with what (`payload`), on which queue, and from when.
public struct JobRequest: Sendable, Equatable {
    /// Enqueueing an id the queue already knows does nothing, so a retried enqueue never runs a job twice.
    public let id: UUID
    public let queue: String
    public let kind: String
    public let payload: [String: String]
    /// Not before this instant (nil: as soon as possible).
    public let runAt: Date?
    /// The trace the job belongs to, as propagation headers (W3C `traceparent`, `tracestate`): the request that asked
    /// for it, so the worker's spans join that request's trace. Opaque here; empty when nothing traced it.
    public let traceContext: [String: String]

    public init(id: UUID, queue: String, kind: String, payload: [String: String], runAt: Date? = nil, traceContext: [String: String] = [:]) {
        self.id = id
        self.queue = queue
        self.kind = kind
        self.payload = payload
        self.runAt = runAt
        self.traceContext = traceContext
    }

    /// The same request, joined to the trace `headers` name.
    public func tracing(_ headers: [String: String]) -> JobRequest {
        JobRequest(id: id, queue: queue, kind: kind, payload: payload, runAt: runAt, traceContext: headers)
    }
}

/// A job as the queue keeps it.
public struct Job: Sendable, Equatable {
    public let id: UUID
    public let queue: String
    public let kind: String
    public let payload: [String: String]
    /// How many times it has been reserved (its attempts so far).
    public var attempts: Int
    public let createdAt: Date
    /// When it may next be reserved.
    public var availableAt: Date
    /// The error of the last failed attempt.
    public var lastError: String?
    /// When it was moved to the dead-letter queue (nil while it is live).
    public var failedAt: Date?
    /// The trace of the request that asked for it (see `JobRequest.traceContext`).
    public let traceContext: [String: String]

    public init(
        id: UUID, queue: String, kind: String, payload: [String: String], attempts: Int, createdAt: Date, availableAt: Date,
        lastError: String? = nil, failedAt: Date? = nil, traceContext: [String: String] = [:]
    ) {
        self.id = id
        self.queue = queue
        self.kind = kind
        self.payload = payload
        self.attempts = attempts
        self.createdAt = createdAt
        self.availableAt = availableAt
        self.lastError = lastError
        self.failedAt = failedAt
        self.traceContext = traceContext
    }
}

/// A job handed to one worker until `leaseExpiresAt`. After that it is due again (the worker is presumed dead), and
/// this reservation's `token` no longer completes, retries or buries it.
public struct Reservation: Sendable, Equatable {
    public let job: Job
    public let token: UUID
    public let leaseExpiresAt: Date

    public init(job: Job, token: UUID, leaseExpiresAt: Date) {
        self.job = job
        self.token = token
        self.leaseExpiresAt = leaseExpiresAt
    }
}

/// How many jobs of one queue are in each state.
public struct QueueCounts: Sendable, Equatable {
    /// Due now (including those whose lease expired).
    public var waiting: Int
    /// Scheduled for later (delayed or waiting for a retry).
    public var delayed: Int
    /// Reserved under a live lease.
    public var active: Int
    /// In the dead-letter queue.
    public var dead: Int

    public init(waiting: Int = 0, delayed: Int = 0, active: Int = 0, dead: Int = 0) {
        self.waiting = waiting
        self.delayed = delayed
        self.active = active
        self.dead = dead
    }
}
