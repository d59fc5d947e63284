import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// `GET /api/v1/events`: the domain events the caller may see, as Server-Sent Events.
///
/// Each event is sent with its bus position as the SSE `id`, so a client that reconnects with `Last-Event-ID` gets
/// every retained event it missed before the live ones (or a `reset` event when some are no longer retained).
/// A comment line is sent every heartbeat interval so proxies keep the connection, and the caller is authenticated
/// again at each one: the stream closes when the access token expires or the session ends, and at once when a
/// `session.revoked` for this session arrives. It also closes on graceful shutdown; clients reconnect elsewhere.
struct EventsController {
    let streams: EventStreams
    let auth: AuthService

    func register(on routes: RouteCatalog) {
        routes.on(.get, "/api/v1/events", use: stream)
    }

    @Sendable func stream(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let header = request.headers[.authorization], let token = Authenticator.bearerToken(header) else { throw DomainError.unauthenticated }
        let principal = try await auth.authenticate(accessToken: token)
        let after = try Self.lastEventID(request, query: context.query)
        let lease = try streams.registry.open(for: principal.user.id)
        let feed = streams.feed.events(after: after)
        let settings = streams.settings
        let auth = self.auth
        let logger = context.logger
        var headers: HTTPFields = [
            .contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store",
        ]
        // nginx and similar proxies would otherwise hold events back to fill their buffers.
        headers[HTTPField.Name("X-Accel-Buffering")!] = "no"
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                defer { lease.close() }
                try await Self.pump(feed, to: &writer, for: principal, token: token, auth: auth, settings: settings, logger: logger)
                // Free the place before the client sees the end, so it may reconnect at once.
                lease.close()
                try await writer.finish(nil)
            })
    }

    /// What the writer loop waits for: an item of the feed, a heartbeat tick, or the feed's end.
    private enum Output: Sendable {
        case item(EventFeed.Item)
        case heartbeat
        case ended
    }

    private static func pump(
        _ feed: AsyncThrowingStream<EventFeed.Item, any Error>, to writer: inout any ResponseBodyWriter, for principal: Principal, token: String,
        auth: AuthService, settings: EventStreamSettings, logger: Logger
    ) async throws {
        // Bounded: a client that does not read is cut off when this fills, and reconnects from its last id.
        let (outputs, continuation) = AsyncStream.makeStream(of: Output.self, bufferingPolicy: .bufferingOldest(EventFanOut.defaultBufferLimit))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    for try await item in feed {
                        if case .dropped = continuation.yield(.item(item)) { break }
                    }
                } catch {
                    logger.warning("event stream ended: the event history could not be read", metadata: ["error": "\(error)"])
                }
                continuation.yield(.ended)
                continuation.finish()
            }
            group.addTask {
                try await Task.sleep(for: settings.maximumDuration)
                continuation.yield(.ended)
            }
            group.addTask {
                while !Task.isCancelled {
                    try await Task.sleep(for: settings.heartbeat)
                    continuation.yield(.heartbeat)
                }
            }
            // The first bytes at once: the client knows the stream is open, and how soon to retry when it closes.
            try await writer.write(ByteBuffer(string: "retry: \(settings.retryMilliseconds)\n\n"))
            // On graceful shutdown the stream ends like any other close: the client reconnects to another instance.
            let stopping = StopFlag()
            await withGracefulShutdownHandler {
                do {
                    loop: for await output in outputs {
                        if stopping.isSet { break loop }
                        switch output {
                        case .ended:
                            break loop
                        case .heartbeat:
                            // Still the same caller, with a live session and an unexpired token?
                            guard (try? await auth.authenticate(accessToken: token)) != nil else { break loop }
                            try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                        case .item(.historyLost):
                            try await writer.write(ByteBuffer(string: "event: reset\ndata: {}\n\n"))
                        case .item(.event(let published)):
                            let event = published.event
                            guard event.audience.admits(principal) else { continue }
                            try await writer.write(Self.frame(published))
                            if event.revokes(session: principal.sessionID, of: principal.user.id) { break loop }
                        }
                    }
                } catch {
                    // The client went away: nothing to tell it.
                }
            } onGracefulShutdown: {
                stopping.set()
                continuation.yield(.ended)
            }
            group.cancelAll()
            continuation.finish()
        }
    }

    /// One SSE message: `id`, `event` and one `data` line of JSON (which never holds a raw newline).
    static func frame(_ published: PublishedEvent) -> ByteBuffer {
        var json = JSONWriter(capacity: 256)
        JSONBodyEncoder.write(EventBody(published.event), to: &json)
        var buffer = ByteBuffer(string: "id: \(published.position)\nevent: \(published.event.type)\ndata: ")
        var body = json.buffer
        buffer.writeBuffer(&body)
        buffer.writeString("\n\n")
        return buffer
    }

    /// The position a reconnecting client resumes after: the `Last-Event-ID` header, or the `lastEventId` query
    /// parameter (for clients that cannot set headers on a first connection). A value that is not a position is a 400.
    static func lastEventID(_ request: Request, query: [String: String]) throws -> EventPosition? {
        // Whichever is sent must hold an id: even an empty value is refused.
        let header = request.headers[HTTPField.Name("Last-Event-ID")!]
        let field = header == nil ? "lastEventId" : "Last-Event-ID"
        guard let raw = header ?? query["lastEventId"] else { return nil }
        guard let position = EventPosition(raw) else {
            throw DomainError.validation([FieldError(field: field, message: "\(field) must be an event id from this stream")])
        }
        return position
    }
}

/// Set once, from any thread: the server is shutting down.
private final class StopFlag: Sendable {
    private let value = Atomic(false)

    var isSet: Bool { value.load(ordering: .relaxed) }

    func set() {
        value.store(true, ordering: .relaxed)
    }
}

/// An event as a stream message's data.
struct EventBody: EncodableBody {
    let id: UUID
    let type: String
    let occurredAt: Date
    let data: [String: String]

    init(_ event: DomainEvent) {
        id = event.id
        type = event.type
        occurredAt = event.occurredAt
        data = event.data
    }
}
