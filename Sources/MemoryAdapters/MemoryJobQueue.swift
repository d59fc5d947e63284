import Domain
import Foundation

/// `JobQueue` in memory, for development and tests (`REDIS_URL` unset). Every operation is one actor step, so no
/// two workers ever hold the same job under live leases.
public actor MemoryJobQueue: JobQueue {
    private enum State: Equatable {
        case ready
        case active(token: UUID, leaseExpiresAt: Date)
        case dead
    }

    private struct Entry {
        var job: Job
        var state: State
    }

    private var entries: [UUID: Entry] = [:]
    /// Ids of completed jobs and when they completed, kept for `completedIDsKept`.
    private var completed: [UUID: Date] = [:]

    public init() {}

    public func enqueue(_ request: JobRequest, now: Date) {
        completed = completed.filter { now.timeIntervalSince($0.value) < completedIDsKept }
        guard entries[request.id] == nil, completed[request.id] == nil else { return }
        let job = Job(
            id: request.id, queue: request.queue, kind: request.kind, payload: request.payload, attempts: 0,
            createdAt: now, availableAt: request.runAt ?? now, traceContext: request.traceContext
        )
        entries[request.id] = Entry(job: job, state: .ready)
    }

    public func reserve(from queue: String, lease: TimeInterval, now: Date) -> Reservation? {
        let due = entries.values.filter { $0.job.queue == queue && Self.isDue($0, now: now) }
        guard var entry = due.min(by: { ($0.job.availableAt, $0.job.createdAt) < ($1.job.availableAt, $1.job.createdAt) }) else {
            return nil
        }
        let token = UUID()
        let expires = now.addingTimeInterval(lease)
        entry.job.attempts += 1
        entry.state = .active(token: token, leaseExpiresAt: expires)
        entries[entry.job.id] = entry
        return Reservation(job: entry.job, token: token, leaseExpiresAt: expires)
    }

    public func complete(_ reservation: Reservation, now: Date) -> Bool {
        guard holds(reservation) else { return false }
        entries[reservation.job.id] = nil
        completed[reservation.job.id] = now
        return true
    }

    public func retry(_ reservation: Reservation, error: String, at: Date) -> Bool {
        release(reservation, error: error, to: .ready) { $0.availableAt = at }
    }

    public func bury(_ reservation: Reservation, error: String, now: Date) -> Bool {
        release(reservation, error: error, to: .dead) { $0.failedAt = now }
    }

    /// Ends a failed attempt under a live reservation: records the error, moves the job to `state`.
    private func release(_ reservation: Reservation, error: String, to state: State, _ change: (inout Job) -> Void) -> Bool {
        guard holds(reservation), var entry = entries[reservation.job.id] else { return false }
        entry.job.lastError = error
        change(&entry.job)
        entry.state = state
        entries[entry.job.id] = entry
        return true
    }

    public func deadLetters(queue: String?, page: PageRequest) -> Page<Job> {
        let dead = entries.values.filter { $0.state == .dead && (queue == nil || $0.job.queue == queue) }.map(\.job)
            .sorted { ($0.failedAt ?? .distantPast, $0.id.uuidString) > ($1.failedAt ?? .distantPast, $1.id.uuidString) }
        return Page(items: Array(dead.dropFirst(page.offset).prefix(page.limit)), total: dead.count, request: page)
    }

    public func requeueDeadLetter(id: UUID, now: Date) -> Bool {
        guard var entry = entries[id], entry.state == .dead else { return false }
        entry.job.attempts = 0
        entry.job.failedAt = nil
        entry.job.availableAt = now
        entry.state = .ready
        entries[id] = entry
        return true
    }

    public func removeDeadLetter(id: UUID) -> Bool {
        guard entries[id]?.state == .dead else { return false }
        entries[id] = nil
        return true
    }

    public func purgeDeadLetters(failedBefore date: Date) -> Int {
        let old = entries.values.filter { $0.state == .dead && ($0.job.failedAt ?? date) < date }.map(\.job.id)
        for id in old { entries[id] = nil }
        return old.count
    }

    public func counts(now: Date) -> [String: QueueCounts] {
        var counts: [String: QueueCounts] = [:]
        for entry in entries.values {
            var queue = counts[entry.job.queue] ?? QueueCounts()
            switch entry.state {
            case .dead: queue.dead += 1
            case .active(_, let expires) where expires > now: queue.active += 1
            default: if entry.job.availableAt <= now { queue.waiting += 1 } else { queue.delayed += 1 }
            }
            counts[entry.job.queue] = queue
        }
        return counts
    }

    private static func isDue(_ entry: Entry, now: Date) -> Bool {
        switch entry.state {
        case .ready: entry.job.availableAt <= now
        case .active(_, let expires): expires <= now
        case .dead: false
        }
    }

    private func holds(_ reservation: Reservation) -> Bool {
        guard case .active(let token, _) = entries[reservation.job.id]?.state else { return false }
        return token == reservation.token
    }
}
