import Domain
import Foundation
import MemoryAdapters
import Synchronization
import TestSupport
import Testing

/// A handler that fails until its cause is fixed.
private final class FixableHandler: JobHandler {
    let broken = Mutex(true)
    let runs = Mutex(0)

    var kinds: Set<String> { ["email.verification"] }

    func run(_ job: Job) async throws {
        runs.withLock { $0 += 1 }
        if broken.withLock({ $0 }) { throw DeliveryRefused() }
    }

    struct DeliveryRefused: Error, CustomStringConvertible {
        var description: String { "421 mail server unavailable" }
    }
}

/// The whole life of a job that keeps failing: retried with growing delays, dead-lettered with its error, shown to
/// an administrator, retried once the cause is fixed, and done.
@Suite struct DeadLetterDrillTests {
    @Test func aJobThatKeepsFailingIsRetriedWithGrowingDelaysBuriedThenRetriedByAnAdministratorAndDone() async throws {
        let fixture = await IdentityFixture()
        let (admin, _) = try await fixture.verifiedUser("Root", email: "root@example.com", role: .admin)
        let handler = FixableHandler()
        let runner = JobRunner(
            queue: fixture.jobs, handlers: [handler], retryPolicy: RetryPolicy(maximumAttempts: 4, baseDelay: 10), clock: fixture.clock,
            jitter: { 0 })
        let id = UUID()
        await fixture.jobs.enqueue(
            JobRequest(id: id, queue: "email", kind: "email.verification", payload: ["userId": "u1"]), now: fixture.clock.now())

        var delays: [TimeInterval] = []
        var outcome = try await runner.runNext(from: "email", lease: 30)
        while outcome == .retried {
            let started = fixture.clock.now()
            var waited: TimeInterval = 0
            repeat {
                fixture.clock.advance(by: 1)
                waited += 1
                outcome = try await runner.runNext(from: "email", lease: 30)
            } while outcome == nil && waited < 1000
            delays.append(fixture.clock.now().timeIntervalSince(started))
        }
        let service = JobAdminService(dependencies: fixture.dependencies, retention: 86_400, alertThreshold: 1)
        let failed = try await service.failed(queue: "email", page: PageRequest(page: 1, limit: 10), admin).items

        handler.broken.withLock { $0 = false }
        try await service.retry(id: id.uuidString, admin, origin: RequestOrigin())
        let afterFix = try await runner.runNext(from: "email", lease: 30)

        #expect(outcome == .buried)
        #expect(delays.count == 3)
        #expect(zip(delays, delays.dropFirst()).allSatisfy { $0 < $1 })
        #expect(failed.map(\.id) == [id])
        #expect(failed.first?.lastError == "421 mail server unavailable")
        #expect(failed.first?.attempts == 4)
        #expect(afterFix == .completed)
        #expect(handler.runs.withLock { $0 } == 5)
        #expect(try await service.stats(admin).totals == QueueCounts())
    }
}
