import Foundation

/// Jobs a change asks for, kept in the same database as the change and written in its transaction, so the change and
/// its jobs commit together or not at all (the transactional outbox). A relay moves them to the `JobQueue`.
public protocol OutboxRepository: Sendable {
    /// Keeps `request` to be queued; inside a transaction, only if the transaction commits.
    func add(_ request: JobRequest, now: Date) async throws
    /// The oldest kept requests, at most `limit`.
    func next(limit: Int) async throws -> [JobRequest]
    /// Forgets a request once it is queued; false when it was already gone.
    func remove(id: UUID) async throws -> Bool
}

/// Moves requests from the outbox to the job queue, oldest first, at least once: a request is forgotten only after
/// the queue has it, and the queue ignores an id it already knows, so a relay that retries (or two relays on two
/// instances) never makes a job run twice. Domain events (requests on `DomainEvent.outboxQueue`) go to the event bus
/// instead, which likewise ignores an event id it has published.
public struct OutboxRelay: Sendable {
    let outbox: any OutboxRepository
    let queue: any JobQueue
    let events: (any EventBus)?
    let clock: any WallClock

    public init(outbox: any OutboxRepository, queue: any JobQueue, events: (any EventBus)? = nil, clock: any WallClock) {
        self.outbox = outbox
        self.queue = queue
        self.events = events
        self.clock = clock
    }

    /// Relays one batch; returns how many requests it moved (fewer than `limit`: the outbox is empty for now). A
    /// queue that cannot be reached throws, and the requests stay in the outbox for the next attempt.
    public func relayBatch(limit: Int = 100) async throws -> Int {
        let requests = try await outbox.next(limit: limit)
        for request in requests {
            if request.queue == DomainEvent.outboxQueue {
                // Without a bus (or for a request this version cannot read) there is no one to tell: it is dropped.
                if let events, let event = DomainEvent(outboxRequest: request) { try await events.publish(event) }
            } else {
                try await queue.enqueue(request, now: clock.now())
            }
            _ = try await outbox.remove(id: request.id)
        }
        return requests.count
    }
}
