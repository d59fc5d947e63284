import Foundation

/// Publishes domain events to every process and lets each read them in one order: in memory for one process, or a
/// Redis stream (`REDIS_URL`) shared by every instance, which also keeps recent history for clients that reconnect.
///
/// Plain publish/subscribe would lose what is published while a subscriber reconnects; a bus keeps a retained
/// history, readable from any position, and `EventFeed` joins it to the live events without a gap or a repeat.
public protocol EventBus: Sendable {
    /// Appends `event` after every event published before it. An event id already published (within the bus's
    /// retention) is ignored, so an outbox that relays twice publishes once. Throws when the bus cannot be reached.
    func publish(_ event: DomainEvent) async throws

    /// Up to `limit` retained events after `position`, oldest first. `complete` is false when events after
    /// `position` are no longer retained (the caller missed some and must start over from the current state).
    func replay(after position: EventPosition, limit: Int) async throws -> EventReplay

    /// The events published from now on, in order. Whatever this process's reader has not yet delivered when the
    /// call returns is delivered to the stream. A subscriber that falls `EventFanOut.bufferLimit` events behind has
    /// its stream finished (it may resume from its last position with `replay`); the stream also finishes when the
    /// bus stops.
    func live() -> AsyncStream<PublishedEvent>
}

/// What `EventBus.replay` found.
public struct EventReplay: Sendable, Equatable {
    public let events: [PublishedEvent]
    /// False when some events after the requested position are gone from the retained history.
    public let complete: Bool

    public init(events: [PublishedEvent], complete: Bool) {
        self.events = events
        self.complete = complete
    }
}
