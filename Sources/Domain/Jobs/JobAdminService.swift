import Foundation

/// The dead-letter queue as administrators operate it: list failed jobs, retry one once its cause is fixed, delete
/// one, purge those past retention, and count every queue. Payload values that could be secrets are masked in
/// every listing; every change is audited, and so is every refusal.
public struct JobAdminService: Sendable {
    let deps: IdentityDependencies
    /// How long failed jobs are kept (`FAILED_JOB_RETENTION`).
    let retention: TimeInterval
    /// How many failed jobs raise the alert (`FAILED_JOBS_ALERT_THRESHOLD`).
    let alertThreshold: Int

    public init(dependencies: IdentityDependencies, retention: TimeInterval, alertThreshold: Int) {
        deps = dependencies
        self.retention = retention
        self.alertThreshold = alertThreshold
    }

    /// Counts of every queue, their total, and whether the failed jobs reach the alert threshold.
    public struct Stats: Sendable, Equatable {
        public let queues: [String: QueueCounts]
        public let totals: QueueCounts
        public let alertThreshold: Int
        public var alert: Bool { totals.dead >= alertThreshold }
    }

    /// Failed jobs, most recently failed first, optionally of one queue, with secret-looking payload values masked.
    public func failed(queue: String?, page: PageRequest, _ principal: Principal) async throws -> Page<Job> {
        try principal.require(.manageJobs)
        if let queue, queue.isEmpty || queue.count > 100 {
            throw DomainError.validation([FieldError(field: "queue", message: "queue must be 1 to 100 characters")])
        }
        let result = try await deps.jobs.deadLetters(queue: queue, page: page)
        return Page(items: result.items.map(Self.masked), total: result.total, request: page)
    }

    /// Puts a failed job back on its queue, due now, with a fresh count of attempts.
    public func retry(id raw: String, _ principal: Principal, origin: RequestOrigin) async throws {
        try await require(principal, for: .retryJob, target: raw, origin: origin)
        let now = deps.now()
        guard let id = UUID(uuidString: raw), try await deps.jobs.requeueDeadLetter(id: id, now: now) else {
            throw DomainError.notFound(resource: "Failed job")
        }
        try await deps.audit(.retryJob, actor: principal.user.id, target: id, origin: origin, at: now)
    }

    /// Deletes a failed job.
    public func delete(id raw: String, _ principal: Principal, origin: RequestOrigin) async throws {
        try await require(principal, for: .deleteJob, target: raw, origin: origin)
        guard let id = UUID(uuidString: raw), try await deps.jobs.removeDeadLetter(id: id) else {
            throw DomainError.notFound(resource: "Failed job")
        }
        try await deps.audit(.deleteJob, actor: principal.user.id, target: id, origin: origin, at: deps.now())
    }

    /// Deletes the failed jobs older than the retention; returns how many.
    public func purge(_ principal: Principal, origin: RequestOrigin) async throws -> Int {
        try await require(principal, for: .purgeJobs, target: nil, origin: origin)
        let now = deps.now()
        let removed = try await deps.jobs.purgeDeadLetters(failedBefore: now.addingTimeInterval(-retention))
        try await deps.audit(.purgeJobs, actor: principal.user.id, origin: origin, detail: "\(removed) failed jobs deleted", at: now)
        return removed
    }

    public func stats(_ principal: Principal) async throws -> Stats {
        try principal.require(.manageJobs)
        return try await stats()
    }

    /// The counts without a caller, for health reports.
    public func stats() async throws -> Stats {
        let queues = try await deps.jobs.counts(now: deps.now())
        let totals = queues.values.reduce(into: QueueCounts()) { total, counts in
            total.waiting += counts.waiting
            total.delayed += counts.delayed
            total.active += counts.active
            total.dead += counts.dead
        }
        return Stats(queues: queues, totals: totals, alertThreshold: alertThreshold)
    }

    private func require(_ principal: Principal, for action: AuditAction, target: String?, origin: RequestOrigin) async throws {
        guard principal.allows(.manageJobs) else {
            try await deps.audit(
                action, actor: principal.user.id, target: target.flatMap(UUID.init(uuidString:)), outcome: .failure, origin: origin,
                detail: "forbidden", at: deps.now())
            throw DomainError.forbidden("You do not have permission to do this")
        }
    }

    /// Payload keys whose values are masked: anything that names a secret.
    static let secretKeyParts = ["token", "secret", "password", "passwd", "key", "authorization", "credential", "code"]

    /// `job` with every value whose key names a secret replaced by `***`.
    public static func masked(_ job: Job) -> Job {
        Job(
            id: job.id, queue: job.queue, kind: job.kind,
            payload: job.payload.reduce(into: [:]) { result, entry in
                let key = entry.key.lowercased()
                result[entry.key] = secretKeyParts.contains { key.contains($0) } ? "***" : entry.value
            },
            attempts: job.attempts, createdAt: job.createdAt, availableAt: job.availableAt, lastError: job.lastError, failedAt: job.failedAt,
            traceContext: job.traceContext)
    }
}
