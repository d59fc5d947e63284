import Domain
import Foundation
import Logging
import NIOPosix
import ServiceLifecycle

/// `EventBus` on a Redis stream shared by every instance. Publishing is one script: it marks the event id as
/// published (10 minutes) and appends the event only if the id was new, trimming the stream to about `retention`
/// entries. Each process runs one reader (this service) that blocks on `XREAD` on a connection of its own, from the
/// last id it saw, and fans every entry out to the process's live subscribers; history is read with `XRANGE`, and the
/// oldest id kept by the last trim tells whether trimming took events a reconnecting client has not seen.
public final class RedisEventBus: EventBus, Service {
    /// Appends the event unless its id was published before; past `retention` entries it trims the stream (by whole
    /// nodes, `~`) and, when that deleted any, records the oldest id kept: positions before it may have lost events.
    private static let publishScript = RedisScript(
        """
        if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[1]) then
          return false
        end
        local id = redis.call('XADD', KEYS[1], '*', 'event', ARGV[3])
        if redis.call('XLEN', KEYS[1]) > tonumber(ARGV[2]) then
          if redis.call('XTRIM', KEYS[1], 'MAXLEN', '~', ARGV[2]) > 0 then
            local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)
            redis.call('SET', KEYS[3], first[1][1])
          end
        end
        return id
        """)
    /// How long a published id is remembered: long enough for any relay to retry a publication it could not confirm
    /// (relays retry within seconds), short enough that the markers stay few (one per event; at 100 events a second,
    /// about 60,000 keys). A publication retried later than this appears twice; subscribers may drop the repeat by id.
    private static let deduplicationSeconds = 600

    private let client: RedisClient
    private let streamKey: String
    private let publishedPrefix: String
    private let firstKeptKey: String
    private let retention: Int
    private let block: Duration
    private let fanOut: EventFanOut
    private let logger: Logger

    /// - Parameters:
    ///   - retention: About how many events the stream keeps for replay.
    ///   - block: How long one `XREAD` waits for new entries before asking again (and checking for shutdown).
    public init(
        client: RedisClient, prefix: String = "portside:", retention: Int = 10_000, block: Duration = .seconds(2),
        bufferLimit: Int = EventFanOut.defaultBufferLimit, logger: Logger
    ) {
        self.client = client
        self.streamKey = prefix + "events"
        self.publishedPrefix = prefix + "events:published:"
        self.firstKeptKey = prefix + "events:first-kept"
        self.retention = max(1, retention)
        self.block = block
        self.fanOut = EventFanOut(bufferLimit: bufferLimit)
        self.logger = logger
    }

    public func publish(_ event: DomainEvent) async throws {
        try await client.run(
            Self.publishScript, keys: [streamKey, publishedPrefix + event.id.uuidString.lowercased(), firstKeptKey],
            arguments: [String(Self.deduplicationSeconds), String(retention), EventCoding.encode(event)])
    }

    public func replay(after position: EventPosition, limit: Int) async throws -> EventReplay {
        let entries = try await client.send(["XRANGE", streamKey, "(\(position)", "+", "COUNT", String(max(1, limit))])
        let events = entries.array.compactMap(Self.event(from:))
        // Asked after the range was read: trimming in between is reported as a loss, never hidden. Trimming records the
        // oldest id it kept; a position before it may have missed what was trimmed (a client whose last event was the
        // very last one trimmed is told so too: a reload it did not strictly need).
        let firstKept = try await client.send(["GET", firstKeptKey]).string.flatMap(EventPosition.init)
        return EventReplay(events: events, complete: firstKept.map { position >= $0 } ?? true)
    }

    public func live() -> AsyncStream<PublishedEvent> {
        fanOut.subscribe()
    }

    /// Reads the stream until graceful shutdown, then finishes every live stream. While Redis cannot be reached it
    /// retries every second from the last id it delivered, so subscribers miss nothing the stream still holds.
    public func run() async throws {
        let reader = RedisBlockingReader(client: client, block: block)
        await cancelWhenGracefulShutdown { await self.read(with: reader) }
        fanOut.finish()
        await reader.close()
    }

    private func read(with reader: RedisBlockingReader) async {
        var last: EventPosition?
        var failing = false
        let command = ["XREAD", "COUNT", "500", "BLOCK", String(Int(max(1, block / .milliseconds(1)))), "STREAMS", streamKey]
        while !Task.isCancelled {
            do {
                let from: EventPosition
                if let last {
                    from = last
                } else {
                    from = try await tip(reader)
                    last = from
                }
                let reply = try await reader.read(command + [from.description])
                if failing {
                    logger.info("event bus reader reconnected")
                    failing = false
                }
                for stream in reply.array {
                    for entry in stream.array.dropFirst().first?.array ?? [] {
                        // Past every entry, even one this version cannot read, or the next read would return it again.
                        if let id = entry.array.first?.string.flatMap(EventPosition.init) { last = max(id, last ?? id) }
                        if let published = Self.event(from: entry) { fanOut.deliver(published) }
                    }
                }
            } catch {
                if !failing { logger.warning("event bus reader cannot reach Redis; retrying", metadata: ["error": "\(error)"]) }
                failing = true
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// The id of the stream's newest entry (`0-0` for an empty or missing stream): live delivery starts after it.
    private func tip(_ reader: RedisBlockingReader) async throws -> EventPosition {
        let newest = try await reader.read(["XREVRANGE", streamKey, "+", "-", "COUNT", "1"])
        return newest.array.first?.array.first?.string.flatMap(EventPosition.init) ?? EventPosition(milliseconds: 0, sequence: 0)
    }

    /// An entry `[id, [field, value, ...]]` as a published event; nil for one this version cannot read.
    static func event(from entry: RedisValue) -> PublishedEvent? {
        let parts = entry.array
        guard parts.count == 2, let id = parts[0].string, let position = EventPosition(id) else { return nil }
        let fields = parts[1].array
        var index = 0
        while index + 1 < fields.count {
            if fields[index].string == "event", let text = fields[index + 1].string, let event = EventCoding.decode(text) {
                return PublishedEvent(position: position, event: event)
            }
            index += 2
        }
        return nil
    }
}

/// How an event is written in a stream entry: one JSON object.
enum EventCoding {
    static func encode(_ event: DomainEvent) -> String {
        let object: [String: Any] = [
            "id": event.id.uuidString.lowercased(), "type": event.type, "audience": event.audience.encoded,
            "at": Int64((event.occurredAt.timeIntervalSince1970 * 1000).rounded()), "data": event.data,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func decode(_ text: String) -> DomainEvent? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any],
            let id = (object["id"] as? String).flatMap(UUID.init(uuidString:)), let type = object["type"] as? String,
            let audience = (object["audience"] as? String).flatMap(EventAudience.init(encoded:)),
            let milliseconds = (object["at"] as? NSNumber)?.int64Value, let data = object["data"] as? [String: String]
        else { return nil }
        return DomainEvent(id: id, type: type, audience: audience, data: data, occurredAt: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }
}

/// One connection of its own for blocking reads (`XREAD BLOCK`), on one thread of its own, so a reader waiting for
/// entries never holds a connection or a thread of the shared pool. The command timeout is the block time plus the
/// client's, so a healthy wait is never taken for a dead server.
final class RedisBlockingReader: Sendable {
    private let url: RedisURL
    private let timeout: Duration
    private let thread = NIOThreadPool(numberOfThreads: 1)
    private let connection = ConnectionBox()

    init(client: RedisClient, block: Duration) {
        self.url = client.url
        self.timeout = block + .seconds(5)
        thread.start()
    }

    func read(_ arguments: [String]) async throws -> RedisValue {
        try await thread.runIfActive { [url, timeout, connection] in
            let open = try connection.value ?? RedisConnection(url: url, connectTimeout: .seconds(2), commandTimeout: timeout)
            connection.value = open
            do {
                return try open.command(arguments)
            } catch let error as RedisReplyError {
                throw error
            } catch {
                connection.value = nil
                throw error
            }
        }
    }

    func close() async {
        try? await thread.shutdownGracefully()
    }
}

/// The reader's connection, touched only by the reader's single thread.
private final class ConnectionBox: @unchecked Sendable {
    var value: RedisConnection?
}
