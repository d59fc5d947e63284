import Foundation
import Synchronization

/// Hands each event one reader delivers to every live subscriber of this process, each through its own bounded
/// buffer: a subscriber that falls `bufferLimit` events behind is cut off (its stream finishes) rather than
/// holding memory or slowing the others. Both bus adapters deliver through one.
public final class EventFanOut: Sendable {
    public static let defaultBufferLimit = 1024

    private struct State {
        var subscribers: [UInt64: AsyncStream<PublishedEvent>.Continuation] = [:]
        var nextID: UInt64 = 0
        var finished = false
    }

    private let state = Mutex(State())
    private let bufferLimit: Int

    public init(bufferLimit: Int = EventFanOut.defaultBufferLimit) {
        self.bufferLimit = bufferLimit
    }

    /// How many subscribers are connected.
    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// A new subscriber: it receives every event delivered after this call returns.
    public func subscribe() -> AsyncStream<PublishedEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: PublishedEvent.self, bufferingPolicy: .bufferingOldest(bufferLimit))
        let id: UInt64? = state.withLock { state in
            guard !state.finished else { return nil }
            let id = state.nextID
            state.nextID += 1
            state.subscribers[id] = continuation
            return id
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Delivers `event` to every subscriber, cutting off those whose buffer is full.
    public func deliver(_ event: PublishedEvent) {
        // Yield under the lock, so two delivering threads cannot interleave one subscriber's order.
        let overflowing: [AsyncStream<PublishedEvent>.Continuation] = state.withLock { state in
            var overflowing: [AsyncStream<PublishedEvent>.Continuation] = []
            for (id, continuation) in state.subscribers {
                if case .dropped = continuation.yield(event) {
                    state.subscribers[id] = nil
                    overflowing.append(continuation)
                }
            }
            return overflowing
        }
        for continuation in overflowing { continuation.finish() }
    }

    /// Finishes every stream and refuses new subscribers (the bus is stopping).
    public func finish() {
        let all = state.withLock { state in
            state.finished = true
            defer { state.subscribers = [:] }
            return Array(state.subscribers.values)
        }
        for continuation in all { continuation.finish() }
    }
}
