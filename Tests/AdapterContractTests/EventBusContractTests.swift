import Domain
import Foundation
import MemoryAdapters
import RedisAdapter
import Testing

/// Every adapter of `EventBus`, with the same tests. Each Redis case has a stream of its own (a fresh key prefix)
/// and runs the bus's reader for as long as the case does.
enum EventBusKind: String, CaseIterable, CustomStringConvertible, Sendable {
    case memory
    case redis

    var description: String { rawValue }

    /// Runs `body` with a new bus (its reader running, for Redis) that keeps about `retention` events.
    func with(
        retention: Int = 10_000, bufferLimit: Int = EventFanOut.defaultBufferLimit, _ body: (any EventBus) async throws -> Void
    ) async throws {
        switch self {
        case .memory:
            try await body(EventMemoryBus(retention: retention, bufferLimit: bufferLimit))
        case .redis:
            guard let client = try RedisTestServer.client() else { throw RedisMissing() }
            let bus = RedisEventBus(
                client: client, prefix: RedisTestServer.freshPrefix(), retention: retention, block: .milliseconds(200), bufferLimit: bufferLimit,
                logger: redisLogger)
            let reader = Task { try await bus.run() }
            defer { reader.cancel() }
            try await bus.awaitReading()
            try await body(bus)
        }
    }
}

extension EventBus {
    /// Returns once the bus delivers live events (a Redis bus's reader has started): a probe event comes back.
    func awaitReading() async throws {
        for _ in 0..<50 {
            let probe = DomainEvent(id: UUID(), type: "test.probe", audience: .everyone, data: [:], occurredAt: Date())
            let live = live()
            try await publish(probe)
            // A probe published before the reader read the stream's tip is not delivered: subscribe again and retry.
            if try await collect(live, count: 1, within: .milliseconds(500)).first?.event.id == probe.id { return }
        }
        throw ReaderNotReady()
    }
}

struct ReaderNotReady: Error {}

/// The first `count` elements of `stream`, or those that came before it ended or `limit` passed.
func collect<S: AsyncSequence & Sendable>(_ stream: S, count: Int, within limit: Duration) async throws -> [S.Element]
where S.Element: Sendable {
    try await withThrowingTaskGroup(of: [S.Element]?.self) { group in
        group.addTask {
            var items: [S.Element] = []
            do {
                for try await item in stream {
                    items.append(item)
                    if items.count == count { break }
                }
            } catch  where Task.isCancelled {
                // Out of time: what came so far is the answer.
            }
            return items
        }
        group.addTask {
            try? await Task.sleep(for: limit)
            return nil
        }
        var result: [S.Element]?
        while let done = try await group.next() {
            if let items = done {
                result = items
                break
            }
            group.cancelAll()  // out of time: the collector returns what it has
        }
        group.cancelAll()
        return result ?? []
    }
}

@Suite struct EventBusContractTests {
    func event(_ number: Int, audience: EventAudience = .everyone) -> DomainEvent {
        DomainEvent(
            id: UUID(uuidString: String(format: "00000000-0000-7000-8000-%012x", number))!, type: "example.updated", audience: audience,
            data: ["exampleId": "e\(number)", "note": "ü \"quoted\"\nline"], occurredAt: Date(timeIntervalSince1970: 1_800_000_000.123))
    }

    @Test(arguments: EventBusKind.allCases)
    func liveSubscribersGetEveryEventInOrderWithRisingPositions(kind: EventBusKind) async throws {
        try await kind.with { bus in
            let one = bus.live()
            let two = bus.live()
            for number in 1...3 { try await bus.publish(event(number)) }

            let first = try await collect(one, count: 3, within: .seconds(5))
            let second = try await collect(two, count: 3, within: .seconds(5))

            #expect(first.map(\.event) == [event(1), event(2), event(3)])
            #expect(second == first)
            #expect(first.map(\.position) == first.map(\.position).sorted())
            #expect(Set(first.map(\.position)).count == 3)
        }
    }

    @Test(arguments: EventBusKind.allCases)
    func anEventIDPublishedTwiceIsPublishedOnce(kind: EventBusKind) async throws {
        try await kind.with { bus in
            let start =
                try await bus.replay(after: EventPosition(milliseconds: 0, sequence: 0), limit: 1000).events.last?.position
                ?? EventPosition(milliseconds: 0, sequence: 0)
            try await bus.publish(event(1))
            try await bus.publish(event(1))
            try await bus.publish(event(2))

            let replayed = try await bus.replay(after: start, limit: 100)
            #expect(replayed.events.map(\.event) == [event(1), event(2)])
        }
    }

    @Test(arguments: EventBusKind.allCases)
    func replayReadsTheHistoryAfterAPositionPageByPage(kind: EventBusKind) async throws {
        try await kind.with { bus in
            let live = bus.live()
            for number in 1...5 { try await bus.publish(event(number)) }
            let published = try await collect(live, count: 5, within: .seconds(5))
            try #require(published.count == 5)

            let page = try await bus.replay(after: published[1].position, limit: 2)
            let rest = try await bus.replay(after: page.events.last!.position, limit: 2)
            let end = try await bus.replay(after: published[4].position, limit: 2)

            #expect(page == EventReplay(events: Array(published[2...3]), complete: true))
            #expect(rest == EventReplay(events: [published[4]], complete: true))
            #expect(end == EventReplay(events: [], complete: true))
        }
    }

    @Test(arguments: EventBusKind.allCases)
    func aPositionWhoseFollowersWereTrimmedIsReportedAsLostHistory(kind: EventBusKind) async throws {
        try await kind.with(retention: 100) { bus in
            let live = bus.live()
            try await bus.publish(event(1))
            let first = try #require(try await collect(live, count: 1, within: .seconds(5)).first)
            // Redis trims whole nodes of about a hundred entries (`MAXLEN ~`): publish enough to drop the first node.
            for number in 2...400 { try await bus.publish(event(number)) }

            let fromFirst = try await bus.replay(after: first.position, limit: 10)
            let recent = try await bus.replay(after: EventPosition(milliseconds: .max, sequence: 0), limit: 10)

            #expect(!fromFirst.complete)
            #expect(fromFirst.events.first?.event != event(2))
            #expect(recent.complete)
        }
    }

    @Test(arguments: EventBusKind.allCases)
    func aSubscriberThatFallsTooFarBehindIsCutOffWhileOthersGoOn(kind: EventBusKind) async throws {
        try await kind.with(bufferLimit: 3) { bus in
            let slow = bus.live()
            let reading = bus.live()
            let received = Task { try await collect(reading, count: 10, within: .seconds(10)) }
            for number in 1...10 {
                try await bus.publish(event(number))
                // The reading subscriber keeps up; the slow one reads nothing until the end.
                try await Task.sleep(for: .milliseconds(20))
            }

            #expect(try await received.value.map(\.event) == (1...10).map { event($0) })
            var slowEvents: [DomainEvent] = []
            for await item in slow { slowEvents.append(item.event) }
            #expect(slowEvents == [event(1), event(2), event(3)])
        }
    }

    @Test(arguments: EventBusKind.allCases)
    func aFeedJoinsTheHistoryToLiveEventsWithoutGapOrRepeat(kind: EventBusKind) async throws {
        try await kind.with { bus in
            let live = bus.live()
            for number in 1...3 { try await bus.publish(event(number)) }
            let published = try await collect(live, count: 3, within: .seconds(5))
            try #require(published.count == 3)

            let feed = EventFeed(bus: bus, replayPageSize: 1).events(after: published[0].position)
            let publisher = Task {
                for number in 4...6 { try await bus.publish(event(number)) }
            }
            let items = try await collect(feed, count: 5, within: .seconds(5))
            try await publisher.value

            let events = items.compactMap { item -> DomainEvent? in
                if case .event(let published) = item { return published.event }
                return nil
            }
            #expect(events == (2...6).map { event($0) })
            #expect(items.count == 5)
        }
    }

    @Test(arguments: EventBusKind.allCases)
    func aFeedFromAPositionBeforeTheHistoryStartsWithAReset(kind: EventBusKind) async throws {
        try await kind.with(retention: 100) { bus in
            let live = bus.live()
            try await bus.publish(event(1))
            let first = try #require(try await collect(live, count: 1, within: .seconds(5)).first)
            for number in 2...400 { try await bus.publish(event(number)) }

            let items = try await collect(EventFeed(bus: bus).events(after: first.position), count: 2, within: .seconds(5))

            #expect(items.first == .historyLost)
            #expect(items.count == 2)
        }
    }
}
