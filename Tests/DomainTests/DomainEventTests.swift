import Domain
import Foundation
import MemoryAdapters
import TestSupport
import Testing

/// Domain events: their outbox form, who may see them, their positions, and the changes that write them.
@Suite struct DomainEventTests {
    let clock = TestClock()
    let database = MemoryDatabase()
    let bus = EventMemoryBus()
    let ids = SequentialIDs()
    var service: ExampleService {
        ExampleService(repository: database.examples, unitOfWork: database, clock: clock, ids: ids)
    }
    var relay: OutboxRelay { OutboxRelay(outbox: database.outbox, queue: MemoryJobQueue(), events: bus, clock: clock) }

    /// Every event the bus holds, oldest first.
    func published() async throws -> [DomainEvent] {
        try await bus.replay(after: EventPosition(milliseconds: 0, sequence: 0), limit: 1000).events.map(\.event)
    }

    @Test func anEventSurvivesTheOutboxUnchanged() throws {
        let event = DomainEvent(
            id: UUID(), type: "example.updated", audience: .user(UUID()), data: ["exampleId": "e1", "note": "ü"],
            occurredAt: Date(timeIntervalSince1970: 1_800_000_000.123))

        let request = event.outboxRequest

        #expect(request.queue == DomainEvent.outboxQueue)
        #expect(request.id == event.id)
        #expect(DomainEvent(outboxRequest: request) == event)
        let job = JobRequest(id: UUID(), queue: "email", kind: "x", payload: ["@audience": "everyone", "@at": "1"])
        #expect(DomainEvent(outboxRequest: job) == nil)
        let noAudience = JobRequest(id: UUID(), queue: DomainEvent.outboxQueue, kind: "x", payload: ["@audience": "root", "@at": "1"])
        #expect(DomainEvent(outboxRequest: noAudience) == nil)
    }

    @Test func anAudienceAdmitsOnlyWhomItNames() {
        let user = principal(number: 1, role: .user)
        let other = principal(number: 2, role: .user)
        let admin = principal(number: 3, role: .admin)

        #expect([user, other, admin].allSatisfy { EventAudience.everyone.admits($0) })
        #expect(EventAudience.user(user.user.id).admits(user))
        #expect(!EventAudience.user(user.user.id).admits(other))
        #expect(!EventAudience.user(user.user.id).admits(admin))
        #expect(EventAudience.permitted(.manageJobs).admits(admin))
        #expect(!EventAudience.permitted(.manageJobs).admits(user))
        for audience in [EventAudience.everyone, .user(UUID()), .permitted(.readAuditLog)] {
            #expect(EventAudience(encoded: audience.encoded) == audience)
        }
        #expect(EventAudience(encoded: "user:not-a-uuid") == nil)
        #expect(EventAudience(encoded: "permission:root") == nil)
    }

    @Test func positionsParseOnlyTheirOwnFormAndOrderLikeRedisIDs() {
        #expect(EventPosition("1700000000000-3") == EventPosition(milliseconds: 1_700_000_000_000, sequence: 3))
        #expect(EventPosition("18446744073709551615-0")?.milliseconds == .max)
        for bad in ["", "1", "1-", "-1", "a-1", "1-2-3", "+1-0", " 1-0", "1-0 ", "18446744073709551616-0", "1-٣", "1_000-0"] {
            #expect(EventPosition(bad) == nil, "\(bad)")
        }
        #expect(EventPosition(milliseconds: 1, sequence: 9) < EventPosition(milliseconds: 2, sequence: 0))
        #expect(EventPosition(milliseconds: 1, sequence: 9).successor == EventPosition(milliseconds: 1, sequence: 10))
        #expect(EventPosition(milliseconds: 1, sequence: .max).successor == EventPosition(milliseconds: 2, sequence: 0))
        #expect(EventPosition(milliseconds: 5, sequence: 7).description == "5-7")
    }

    @Test func exampleChangesPublishTheirEventsOnlyOnceCommitted() async throws {
        let owner = principal(number: 900, role: .user)
        let stranger = principal(number: 901, role: .user)
        let example = try await service.create(ExampleDraft(name: .value("Harbour"), description: .value(nil)), by: owner)
        _ = try await service.update(id: example.id.uuidString, with: ExampleDraft(name: .value("Quay")), mode: .partial, by: owner)
        // Refused changes roll back: no event.
        await #expect(throws: DomainError.self) {
            _ = try await service.update(id: example.id.uuidString, with: ExampleDraft(name: .value("Mine")), mode: .partial, by: stranger)
        }
        await #expect(throws: DomainError.self) { try await service.delete(id: example.id.uuidString, by: stranger) }
        try await service.delete(id: example.id.uuidString, by: owner)

        #expect(try await published().isEmpty)
        while try await relay.relayBatch() > 0 {}
        let events = try await published()

        #expect(events.map(\.type) == ["example.created", "example.updated", "example.deleted"])
        let ids = ["exampleId": example.id.uuidString.lowercased(), "ownerId": owner.user.id.uuidString.lowercased()]
        #expect(events.allSatisfy { $0.data == ids && $0.audience == .everyone && $0.occurredAt == clock.now().truncatedToMilliseconds })
        #expect(Set(events.map(\.id)).count == 3)
    }

    @Test func aRelayThatPublishesTwicePublishesOnce() async throws {
        let owner = principal(number: 900, role: .user)
        _ = try await service.create(ExampleDraft(name: .value("Harbour"), description: .value(nil)), by: owner)
        let pending = try await database.outbox.next(limit: 10)

        // The first relay published and then failed before forgetting the request; the next one publishes it again.
        for request in pending { try await bus.publish(try #require(DomainEvent(outboxRequest: request))) }
        while try await relay.relayBatch() > 0 {}

        #expect(try await published().map(\.type) == ["example.created"])
        #expect(try await database.outbox.next(limit: 10).isEmpty)
    }

    @Test func endingSessionsPublishesSessionRevokedToTheirUserAlone() async throws {
        let fixture = await IdentityFixture(database: database, clock: clock)
        let (principal, _) = try await fixture.verifiedUser("Ada", email: "ada@example.com")
        let second = try await fixture.auth.login(email: .value("ada@example.com"), password: .value("Passw0rd!"), origin: RequestOrigin())
        let secondSession = try await fixture.auth.authenticate(accessToken: second.tokens.accessToken).sessionID

        try await fixture.auth.endSession(id: secondSession.uuidString, principal, origin: RequestOrigin())
        _ = try await fixture.auth.revokeAll(principal, origin: RequestOrigin())
        while try await relay.relayBatch() > 0 {}
        let events = try await published().filter { $0.type == "session.revoked" }

        try #require(events.count == 2)
        #expect(events.allSatisfy { $0.audience == .user(principal.user.id) })
        #expect(events[0].revokes(session: secondSession, of: principal.user.id))
        #expect(!events[0].revokes(session: principal.sessionID, of: principal.user.id))
        #expect(events[1].revokes(session: principal.sessionID, of: principal.user.id))
        #expect(!events[1].revokes(session: principal.sessionID, of: UUID()))
    }

    @Test func aJobMovedToTheDeadLetterQueueIsAnnouncedToThoseWhoManageJobs() async throws {
        let queue = MemoryJobQueue()
        let runner = JobRunner(
            queue: queue, handlers: [], retryPolicy: RetryPolicy(maximumAttempts: 1, baseDelay: 1), clock: clock, jitter: { 0 }, events: bus)
        let id = UUID()
        try await queue.enqueue(JobRequest(id: id, queue: "email", kind: "unknown.kind", payload: ["to": "secret@example.com"]), now: clock.now())

        #expect(try await runner.runNext(from: "email", lease: 60) == .buried)
        let events = try await published()

        #expect(events.map(\.type) == ["job.failed"])
        #expect(events.first?.audience == .permitted(.manageJobs))
        #expect(events.first?.data == ["jobId": id.uuidString.lowercased(), "queue": "email", "kind": "unknown.kind", "attempts": "1"])
    }
}
