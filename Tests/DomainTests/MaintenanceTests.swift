import Domain
import Foundation
import MemoryAdapters
import TestSupport
import Testing

/// The scheduled clean-ups: one job per interval however many instances ask, and each deletes only what has been
/// over for longer than it keeps.
@Suite struct MaintenanceTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func everyInstanceAsksForTheSameJobInAnIntervalAndADifferentOneInTheNext() {
        let first = Maintenance.request(.purgeSessions, interval: 3600, now: start)
        let sameHour = Maintenance.request(.purgeSessions, interval: 3600, now: start.addingTimeInterval(59 * 60 - 1))
        let nextHour = Maintenance.request(.purgeSessions, interval: 3600, now: start.addingTimeInterval(3600))
        let otherTask = Maintenance.request(.purgeTokens, interval: 3600, now: start)

        #expect(first.id == sameHour.id)
        #expect(first.id != nextHour.id)
        #expect(first.id != otherTask.id)
        #expect(first.queue == Maintenance.queue)
    }

    @Test func threeInstancesSchedulingTogetherQueueEachTaskOncePerInterval() async throws {
        let queue = MemoryJobQueue()
        let schedule = MaintenanceSchedule()

        for instance in 0..<3 {
            for request in schedule.requests(now: start.addingTimeInterval(Double(instance))) { await queue.enqueue(request, now: start) }
        }
        var ran: [String] = []
        while let reservation = await queue.reserve(from: Maintenance.queue, lease: 60, now: start.addingTimeInterval(10)) {
            ran.append(reservation.job.kind)
            _ = await queue.complete(reservation, now: start.addingTimeInterval(10))
        }
        for request in schedule.requests(now: start.addingTimeInterval(20)) { await queue.enqueue(request, now: start.addingTimeInterval(20)) }
        let again = await queue.reserve(from: Maintenance.queue, lease: 60, now: start.addingTimeInterval(30))

        #expect(ran.sorted() == Maintenance.Task.allCases.map(\.rawValue).sorted())
        #expect(again == nil)
    }

    @Test func theHandlerDeletesOnlyWhatEndedLongerAgoThanItKeeps() async throws {
        let fixture = await IdentityFixture()
        let clock = fixture.clock
        let (principal, _) = try await fixture.verifiedUser("Ada", email: "ada@example.com")
        let handler = MaintenanceHandler(
            sessions: fixture.database.sessions, oneTimeTokens: fixture.database.oneTimeTokens, jobs: fixture.jobs, clock: clock,
            schedule: MaintenanceSchedule(endedRecordsKept: 86_400))
        _ = try await fixture.database.sessions.revoke(id: principal.sessionID, at: clock.now(), reason: "test")

        try await handler.run(job(.purgeSessions))
        let keptWhileRecent = try await fixture.database.sessions.find(id: principal.sessionID)
        clock.advance(by: 2 * 86_400)
        try await handler.run(job(.purgeSessions))
        let afterwards = try await fixture.database.sessions.find(id: principal.sessionID)

        #expect(keptWhileRecent != nil)
        #expect(afterwards == nil)
    }

    func job(_ task: Maintenance.Task) -> Job {
        Job(id: UUID(), queue: Maintenance.queue, kind: task.rawValue, payload: [:], attempts: 1, createdAt: start, availableAt: start)
    }
}
