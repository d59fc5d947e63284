import Domain
import Foundation
import MemoryAdapters
import Synchronization
import TestSupport
import Testing

/// The outbox between a change and its email: the change commits whatever the queue's state, and the email follows
/// once the queue answers, exactly once.
@Suite struct OutboxRelayTests {
    let origin = RequestOrigin(clientAddress: "203.0.113.7")

    @Test func registrationSucceedsWhileTheQueueIsDownAndTheEmailFollowsWhenItIsBack() async throws {
        let fixture = await IdentityFixture()
        let queue = SwitchableQueue(base: fixture.jobs)
        queue.isDown.withLock { $0 = true }
        let relay = OutboxRelay(outbox: fixture.dependencies.outbox, queue: queue, clock: fixture.clock)

        let registered = try await fixture.auth.register(
            AuthService.Registration(name: .value("Ada"), email: .value("ada@example.com"), password: .value("Passw0rd!")), origin: origin)
        await #expect(throws: DomainError.unavailable("redis")) { try await relay.relayBatch() }
        #expect(try await fixture.dependencies.outbox.next(limit: 10).count == 1)

        queue.isDown.withLock { $0 = false }
        #expect(try await relay.relayBatch() == 1)
        #expect(try await relay.relayBatch() == 0)
        let token = try await fixture.token(sentTo: "ada@example.com", path: "verify-email")

        #expect(registered.user.email == "ada@example.com")
        #expect(token != nil)
        #expect(await fixture.mailer.sent.filter { $0.to == "ada@example.com" }.count == 1)
    }

    @Test func aRelayThatQueuedButCouldNotForgetDoesNotRunTheJobTwice() async throws {
        let fixture = await IdentityFixture()
        try await fixture.register("Ada", email: "ada@example.com")
        let pending = try await fixture.dependencies.outbox.next(limit: 10)

        // The first relay queued the request and then failed before removing it; the next relay queues it again.
        for request in pending { try await fixture.jobs.enqueue(request, now: fixture.clock.now()) }
        try await fixture.deliverEmails()

        #expect(await fixture.mailer.sent.filter { $0.to == "ada@example.com" }.count == 1)
    }

    @Test func anEmailChangeThatRollsBackSendsNothing() async throws {
        let fixture = await IdentityFixture()
        let (principal, _) = try await fixture.verifiedUser("Ada", email: "ada@example.com")
        try await fixture.deliverEmails()
        let before = await fixture.mailer.sent.count
        // The password is reset while the change is under way: the change, checked against the old one, rolls back.
        try await fixture.database.transaction { repositories in
            guard var user = try await repositories.users.find(id: principal.user.id) else { return }
            user.passwordHash = "fake-v2:Res3tPassword"
            _ = try await repositories.users.update(user)
        }

        await #expect(throws: DomainError.self) {
            _ = try await fixture.users.updateMe(
                UserService.ProfileChange(email: .value("ada@new.example"), currentPassword: .value("Passw0rd!")), principal, origin: origin)
        }
        try await fixture.deliverEmails()

        #expect(await fixture.mailer.sent.count == before)
        #expect(try await fixture.dependencies.outbox.next(limit: 10).isEmpty)
    }
}

/// A job queue that can be switched off, as Redis can go down; otherwise everything goes to `base`.
private final class SwitchableQueue: JobQueue {
    let base: any JobQueue
    let isDown = Mutex(false)

    init(base: any JobQueue) {
        self.base = base
    }

    private func check() throws {
        if isDown.withLock({ $0 }) { throw DomainError.unavailable("redis") }
    }

    func enqueue(_ request: JobRequest, now: Date) async throws {
        try check()
        try await base.enqueue(request, now: now)
    }

    func reserve(from queue: String, lease: TimeInterval, now: Date) async throws -> Reservation? {
        try check()
        return try await base.reserve(from: queue, lease: lease, now: now)
    }

    func complete(_ reservation: Reservation, now: Date) async throws -> Bool { try await base.complete(reservation, now: now) }
    func retry(_ reservation: Reservation, error: String, at: Date) async throws -> Bool { try await base.retry(reservation, error: error, at: at) }
    func bury(_ reservation: Reservation, error: String, now: Date) async throws -> Bool { try await base.bury(reservation, error: error, now: now) }
    func deadLetters(queue: String?, page: PageRequest) async throws -> Page<Job> { try await base.deadLetters(queue: queue, page: page) }
    func requeueDeadLetter(id: UUID, now: Date) async throws -> Bool { try await base.requeueDeadLetter(id: id, now: now) }
    func removeDeadLetter(id: UUID) async throws -> Bool { try await base.removeDeadLetter(id: id) }
    func purgeDeadLetters(failedBefore date: Date) async throws -> Int { try await base.purgeDeadLetters(failedBefore: date) }
    func counts(now: Date) async throws -> [String: QueueCounts] { try await base.counts(now: now) }
}
