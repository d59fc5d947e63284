import Domain
import Foundation
import Synchronization

/// `EventBus` for one process: the last `retention` events kept in memory, positions numbered like Redis stream ids
/// (wall-clock milliseconds, then a sequence), so a client's `Last-Event-ID` from before a restart is older than
/// anything this process published and is answered as lost history rather than silently skipped.
public final class EventMemoryBus: EventBus {
    private struct State {
        var history: [PublishedEvent] = []
        /// Every position at or before this one is gone: trimmed, or published before this process started.
        var forgottenThrough: EventPosition
        var last: EventPosition
        var published: Set<UUID> = []
        var publishedOrder: [UUID] = []
    }

    private let state: Mutex<State>
    private let fanOut: EventFanOut
    private let retention: Int

    public init(retention: Int = 10_000, bufferLimit: Int = EventFanOut.defaultBufferLimit) {
        let start = EventPosition(milliseconds: Self.milliseconds(), sequence: 0)
        self.state = Mutex(State(forgottenThrough: start, last: start))
        self.fanOut = EventFanOut(bufferLimit: bufferLimit)
        self.retention = max(1, retention)
    }

    public func publish(_ event: DomainEvent) {
        let retention = self.retention
        // Deliver under the lock: positions reach subscribers in the order they were assigned.
        state.withLock { state in
            guard !state.published.contains(event.id) else { return }
            let now = Self.milliseconds()
            let position =
                now > state.last.milliseconds ? EventPosition(milliseconds: now, sequence: 0) : state.last.successor
            state.last = position
            let published = PublishedEvent(position: position, event: event)
            state.history.append(published)
            state.published.insert(event.id)
            state.publishedOrder.append(event.id)
            if state.history.count > retention {
                let excess = state.history.count - retention
                state.forgottenThrough = state.history[excess - 1].position
                state.history.removeFirst(excess)
            }
            if state.publishedOrder.count > retention * 2 {
                let excess = state.publishedOrder.count - retention
                for id in state.publishedOrder.prefix(excess) { state.published.remove(id) }
                state.publishedOrder.removeFirst(excess)
            }
            fanOut.deliver(published)
        }
    }

    public func replay(after position: EventPosition, limit: Int) -> EventReplay {
        state.withLock { state in
            let start = state.history.partitionPoint { $0.position <= position }
            let events = Array(state.history[start..<min(state.history.count, start + max(0, limit))])
            return EventReplay(events: events, complete: position >= state.forgottenThrough)
        }
    }

    public func live() -> AsyncStream<PublishedEvent> {
        fanOut.subscribe()
    }

    /// Ends every live stream (the process is stopping).
    public func close() {
        fanOut.finish()
    }

    private static func milliseconds() -> UInt64 {
        UInt64(max(0, (Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }
}

extension Array {
    /// The index of the first element for which `isBefore` is false, in an array where it is true for a prefix.
    fileprivate func partitionPoint(_ isBefore: (Element) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if isBefore(self[middle]) { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
