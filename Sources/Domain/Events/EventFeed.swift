import Foundation

/// One subscriber's view of the bus: the retained events after a position it already has (a reconnecting client's
/// `Last-Event-ID`), then the live ones, with no gap and no repeat between the two.
///
/// It subscribes to the live events first and only then reads the history, so an event published meanwhile is in
/// the history, the live stream or both; the live copy of anything the history already gave is skipped by position.
public struct EventFeed: Sendable {
    /// What a feed yields.
    public enum Item: Sendable, Equatable {
        case event(PublishedEvent)
        /// Some events after the requested position are gone from the history: the subscriber must reload the state
        /// it keeps rather than rely on events to bring it up to date. Yielded once, before the events that remain.
        case historyLost
    }

    private let bus: any EventBus
    private let replayPageSize: Int

    public init(bus: any EventBus, replayPageSize: Int = 500) {
        self.bus = bus
        self.replayPageSize = replayPageSize
    }

    /// The events after `position` (nil: only those published from now on). The stream fails when the history
    /// cannot be read, and finishes when the live stream does (the bus stops, or this subscriber fell too far behind:
    /// it may start a new feed from the last position it received).
    public func events(after position: EventPosition?) -> AsyncThrowingStream<Item, any Error> {
        let live = bus.live()
        let bus = self.bus
        let pageSize = replayPageSize
        // Bounded like the live buffers: a consumer that stops reading is cut off, not buffered for without end.
        let (stream, continuation) = AsyncThrowingStream.makeStream(
            of: Item.self, throwing: (any Error).self, bufferingPolicy: .bufferingOldest(EventFanOut.defaultBufferLimit))
        let task = Task {
            func send(_ item: Item) -> Bool {
                if case .dropped = continuation.yield(item) {
                    continuation.finish()
                    return false
                }
                return true
            }
            do {
                var last = position
                if let position {
                    var after = position
                    var first = true
                    while true {
                        let page = try await bus.replay(after: after, limit: pageSize)
                        if first, !page.complete, !send(.historyLost) { return }
                        first = false
                        for event in page.events where !send(.event(event)) { return }
                        guard let end = page.events.last?.position else { break }
                        after = end
                        last = end
                        if page.events.count < pageSize { break }
                    }
                }
                for await event in live {
                    if let last, event.position <= last { continue }
                    if !send(.event(event)) { return }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}
