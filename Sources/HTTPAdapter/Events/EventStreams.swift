import Domain
import Foundation
import Synchronization

/// What `GET /api/v1/events` needs: the feed of events, the limits, and the count of open streams.
public struct EventStreams: Sendable {
    public let feed: EventFeed
    public let settings: EventStreamSettings
    let registry: EventStreamRegistry

    public init(bus: any EventBus, settings: EventStreamSettings = EventStreamSettings()) {
        feed = EventFeed(bus: bus)
        self.settings = settings
        registry = EventStreamRegistry(perUser: settings.maximumPerUser, total: settings.maximumTotal)
    }

    /// How many streams are open now.
    public var openCount: Int { registry.total }
}

/// Limits of the event streams.
public struct EventStreamSettings: Sendable {
    /// How often a comment line is sent, and the caller authenticated again.
    public var heartbeat: Duration
    /// How long one stream stays open; the client then reconnects with its last id.
    public var maximumDuration: Duration
    /// Streams one user may hold open at once (more: 429).
    public var maximumPerUser: Int
    /// Streams this process holds open at once (more: 503, so a load balancer tries another instance).
    public var maximumTotal: Int
    /// The reconnection delay suggested to clients (the SSE `retry` field).
    public var retryMilliseconds: Int

    public init(
        heartbeat: Duration = .seconds(15), maximumDuration: Duration = .seconds(1800), maximumPerUser: Int = 5, maximumTotal: Int = 1000,
        retryMilliseconds: Int = 3000
    ) {
        self.heartbeat = heartbeat
        self.maximumDuration = maximumDuration
        self.maximumPerUser = maximumPerUser
        self.maximumTotal = maximumTotal
        self.retryMilliseconds = retryMilliseconds
    }
}

/// Counts open streams per user and in all; a lease is returned exactly once.
final class EventStreamRegistry: Sendable {
    private struct State {
        var perUser: [UUID: Int] = [:]
        var total = 0
    }

    private let state = Mutex(State())
    private let perUserLimit: Int
    private let totalLimit: Int

    init(perUser: Int, total: Int) {
        perUserLimit = perUser
        totalLimit = total
    }

    var total: Int { state.withLock { $0.total } }

    /// A lease on one stream for `user`, or `.rateLimited` (this user holds the most) or `.overloaded` (the process
    /// does).
    func open(for user: UUID) throws(DomainError) -> EventStreamLease {
        let refusal: DomainError? = state.withLock { state in
            if state.total >= totalLimit { return .overloaded(retryAfterSeconds: 5) }
            if state.perUser[user, default: 0] >= perUserLimit { return .rateLimited(retryAfterSeconds: 30) }
            state.total += 1
            state.perUser[user, default: 0] += 1
            return nil
        }
        if let refusal { throw refusal }
        return EventStreamLease(registry: self, user: user)
    }

    fileprivate func release(_ user: UUID) {
        state.withLock { state in
            state.total -= 1
            let left = state.perUser[user, default: 1] - 1
            state.perUser[user] = left > 0 ? left : nil
        }
    }
}

/// One open stream's place in the registry: given back by `close()` or, if the response body never ran, when dropped.
final class EventStreamLease: Sendable {
    private let registry: EventStreamRegistry
    private let user: UUID
    private let closed = Atomic(false)

    fileprivate init(registry: EventStreamRegistry, user: UUID) {
        self.registry = registry
        self.user = user
    }

    func close() {
        guard closed.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
        registry.release(user)
    }

    deinit {
        close()
    }
}
