import Foundation

/// Whether the audited attempt succeeded.
public enum AuditOutcome: String, Sendable, CaseIterable {
    case success
    case failure
}

/// One entry of the append-only audit log: who did what to what, when, from where, and how it went.
public struct AuditEvent: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let occurredAt: Date
    /// The user who acted (nil when unknown, as for a login with an unknown email).
    public let actorID: UUID?
    /// What happened, such as `auth.login` (see `AuditAction`).
    public let action: String
    /// The user (or other object) acted on, when not the actor alone.
    public let targetID: String?
    public let outcome: AuditOutcome
    public let clientAddress: String?
    public let userAgent: String?
    public let requestID: String?
    /// A short, secret-free note (such as why a login failed).
    public let detail: String?

    public init(
        id: UUID, occurredAt: Date, actorID: UUID?, action: String, targetID: String?, outcome: AuditOutcome, clientAddress: String?,
        userAgent: String?, requestID: String?, detail: String?
    ) {
        self.id = id
        self.occurredAt = occurredAt
        self.actorID = actorID
        self.action = action
        self.targetID = targetID
        self.outcome = outcome
        self.clientAddress = clientAddress
        self.userAgent = userAgent
        self.requestID = requestID
        self.detail = detail
    }
}

/// Which audit events a query wants: every given condition must hold; `from` is inclusive, `to` exclusive.
public struct AuditFilter: Sendable, Equatable {
    public var actorID: UUID?
    public var action: String?
    public var from: Date?
    public var to: Date?

    public init(actorID: UUID? = nil, action: String? = nil, from: Date? = nil, to: Date? = nil) {
        self.actorID = actorID
        self.action = action
        self.from = from
        self.to = to
    }
}

/// The append-only audit log: events are added and read, never changed.
public protocol AuditLog: Sendable {
    /// Appends an event.
    func record(_ event: AuditEvent) async throws
    /// Returns one page of the events matching `filter`, newest first.
    func list(filter: AuditFilter, page: PageRequest) async throws -> Page<AuditEvent>
}
