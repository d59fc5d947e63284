import Foundation

/// Something that happened which other parts of the system (and connected clients) may want to know: an example
/// changed, a session ended, a job failed. Events are thin: they name what changed (ids), and a client that wants
/// the new state reads it through the API, where the usual permissions apply.
///
/// A change writes its event into the outbox in the change's own transaction, so the event exists exactly when the
/// change committed; the relay then publishes it on the `EventBus`, at least once (the bus ignores an id it has
/// already published).
public struct DomainEvent: Sendable, Equatable {
    /// Unique per event; publishing an id twice publishes it once.
    public let id: UUID
    /// What happened, as `noun.verb`: `example.created`, `session.revoked`, `job.failed`.
    public let type: String
    /// Who may see it.
    public let audience: EventAudience
    /// The ids and small values that say what changed.
    public let data: [String: String]
    public let occurredAt: Date

    public init(id: UUID, type: String, audience: EventAudience, data: [String: String], occurredAt: Date) {
        self.id = id
        self.type = type
        self.audience = audience
        self.data = data
        self.occurredAt = occurredAt
    }
}

/// Who may receive an event.
public enum EventAudience: Sendable, Equatable, Hashable {
    /// Every signed-in user (what anyone may read anyway, such as examples).
    case everyone
    /// The user with this id, and nobody else (not even administrators: their sessions are their own).
    case user(UUID)
    /// Users whose role grants this permission (job failures: `manageJobs`).
    case permitted(Permission)

    /// Whether `principal` may receive an event for this audience.
    public func admits(_ principal: Principal) -> Bool {
        switch self {
        case .everyone: true
        case .user(let id): principal.user.id == id
        case .permitted(let permission): principal.allows(permission)
        }
    }

    /// The audience as one string (for the outbox and the bus): `everyone`, `user:ID`, `permission:NAME`.
    public var encoded: String {
        switch self {
        case .everyone: "everyone"
        case .user(let id): "user:\(id.uuidString.lowercased())"
        case .permitted(let permission): "permission:\(permission.rawValue)"
        }
    }

    /// Parses `encoded`; nil for anything else.
    public init?(encoded: String) {
        if encoded == "everyone" {
            self = .everyone
        } else if encoded.hasPrefix("user:"), let id = UUID(uuidString: String(encoded.dropFirst(5))) {
            self = .user(id)
        } else if encoded.hasPrefix("permission:"), let permission = Permission(rawValue: String(encoded.dropFirst(11))) {
            self = .permitted(permission)
        } else {
            return nil
        }
    }
}

extension DomainEvent {
    /// The outbox queue events travel on: the relay publishes its requests on the event bus instead of queueing them.
    public static let outboxQueue = "portside.events"

    /// The event as an outbox request (the request's id is the event's; the payload holds data plus the
    /// reserved keys `@type`, `@audience` and `@at`).
    public var outboxRequest: JobRequest {
        var payload = data
        payload["@audience"] = audience.encoded
        payload["@at"] = String(Int64((occurredAt.timeIntervalSince1970 * 1000).rounded()))
        return JobRequest(id: id, queue: Self.outboxQueue, kind: type, payload: payload)
    }

    /// The event an outbox request carries; nil when the request is not a well-formed event.
    public init?(outboxRequest request: JobRequest) {
        guard request.queue == Self.outboxQueue, let audience = request.payload["@audience"].flatMap(EventAudience.init(encoded:)),
            let milliseconds = request.payload["@at"].flatMap(Int64.init)
        else { return nil }
        var data = request.payload
        data["@audience"] = nil
        data["@at"] = nil
        self.init(
            id: request.id, type: request.kind, audience: audience, data: data,
            occurredAt: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }
}

/// Where an event sits in the bus's order: Redis stream ids (`MILLISECONDS-SEQUENCE`), which the memory bus imitates.
/// Clients see it as the SSE event id and send it back as `Last-Event-ID`.
public struct EventPosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let milliseconds: UInt64
    public let sequence: UInt64

    public init(milliseconds: UInt64, sequence: UInt64) {
        self.milliseconds = milliseconds
        self.sequence = sequence
    }

    /// Parses `MILLISECONDS-SEQUENCE` (digits only, each part fitting 64 bits); nil for anything else.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.count <= 20 && $0.utf8.allSatisfy { (48...57).contains($0) } }),
            let milliseconds = UInt64(parts[0]), let sequence = UInt64(parts[1])
        else { return nil }
        self.init(milliseconds: milliseconds, sequence: sequence)
    }

    public var description: String { "\(milliseconds)-\(sequence)" }

    /// The smallest position after this one.
    public var successor: EventPosition {
        sequence == .max
            ? EventPosition(milliseconds: milliseconds + 1, sequence: 0) : EventPosition(milliseconds: milliseconds, sequence: sequence + 1)
    }

    public static func < (lhs: EventPosition, rhs: EventPosition) -> Bool {
        (lhs.milliseconds, lhs.sequence) < (rhs.milliseconds, rhs.sequence)
    }
}

/// An event as the bus delivers it: in order, at its position.
public struct PublishedEvent: Sendable, Equatable {
    public let position: EventPosition
    public let event: DomainEvent

    public init(position: EventPosition, event: DomainEvent) {
        self.position = position
        self.event = event
    }
}
