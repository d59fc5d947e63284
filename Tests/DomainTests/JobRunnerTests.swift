import Domain
import Foundation
import MemoryAdapters
import Synchronization
import TestSupport
import Testing

/// A handler that fails as told, counting its runs.
final class ScriptedHandler: JobHandler {
    enum Behaviour { case succeed, fail, failPermanently }

    let behaviour: Behaviour
    let runs = Mutex(0)

    init(_ behaviour: Behaviour) {
        self.behaviour = behaviour
    }

    var kinds: Set<String> { ["test.job"] }

    func run(_ job: Job) async throws {
        runs.withLock { $0 += 1 }
        switch behaviour {
        case .succeed: return
        case .fail: throw CancellationError()
        case .failPermanently: throw PermanentJobFailure("mailbox does not exist")
        }
    }
}

@Suite struct JobRunnerTests {
    let clock = TestClock()
    let queue = MemoryJobQueue()

    func runner(_ handler: ScriptedHandler, attempts: Int = 3) -> JobRunner {
        JobRunner(queue: queue, handlers: [handler], retryPolicy: RetryPolicy(maximumAttempts: attempts, baseDelay: 10), clock: clock, jitter: { 1 })
    }

    func enqueue(kind: String = "test.job") async throws -> UUID {
        let id = UUID()
        try await queue.enqueue(JobRequest(id: id, queue: "q", kind: kind, payload: [:]), now: clock.now())
        return id
    }

    @Test func aSuccessfulJobIsCompletedAndGone() async throws {
        let handler = ScriptedHandler(.succeed)
        _ = try await enqueue()

        #expect(try await runner(handler).runNext(from: "q", lease: 30) == .completed)
        #expect(try await runner(handler).runNext(from: "q", lease: 30) == nil)
        #expect(handler.runs.withLock { $0 } == 1)
    }

    @Test func aFailingJobIsRetriedWithBackoffThenBuriedAfterTheLastAttempt() async throws {
        let handler = ScriptedHandler(.fail)
        let id = try await enqueue()
        let runner = runner(handler, attempts: 2)

        #expect(try await runner.runNext(from: "q", lease: 30) == .retried)
        #expect(try await runner.runNext(from: "q", lease: 30) == nil)
        clock.advance(by: 10)
        #expect(try await runner.runNext(from: "q", lease: 30) == .buried)

        let dead = try await queue.deadLetters(queue: "q", page: PageRequest(page: 1, limit: 10)).items
        #expect(dead.map(\.id) == [id])
        #expect(dead.first?.attempts == 2)
    }

    @Test func aPermanentFailureIsBuriedAtOnceWithItsMessage() async throws {
        _ = try await enqueue()

        #expect(try await runner(ScriptedHandler(.failPermanently)).runNext(from: "q", lease: 30) == .buried)
        let dead = try await queue.deadLetters(queue: nil, page: PageRequest(page: 1, limit: 10)).items
        #expect(dead.first?.lastError == "mailbox does not exist")
    }

    @Test func aJobOfAnUnknownKindIsBuried() async throws {
        _ = try await enqueue(kind: "nobody.handles.this")

        #expect(try await runner(ScriptedHandler(.succeed)).runNext(from: "q", lease: 30) == .buried)
    }

    @Test func aMalformedAccountEmailIsAPermanentFailure() async throws {
        let fixture = await IdentityFixture()
        try await fixture.jobs.enqueue(JobRequest(id: UUID(), queue: "email", kind: "email.verification", payload: [:]), now: fixture.clock.now())

        try await fixture.deliverEmails()

        let dead = try await fixture.jobs.deadLetters(queue: "email", page: PageRequest(page: 1, limit: 10)).items
        #expect(dead.first?.lastError == "malformed email.verification job")
    }
}

/// A handler that runs until its task is cancelled, as a job in hand when shutdown runs out of time.
private struct EndlessHandler: JobHandler {
    var kinds: Set<String> { ["test.job"] }

    func run(_ job: Job) async throws {
        while true { try await Task.sleep(for: .seconds(60)) }
    }
}

@Suite struct JobReleaseTests {
    @Test func aJobWhoseWorkerIsStoppedMidwayIsDueAgainAtOnceAndNeverBuriedForIt() async throws {
        let clock = TestClock()
        let queue = MemoryJobQueue()
        // One attempt allowed: a failure would bury the job; being stopped must not.
        let runner = JobRunner(
            queue: queue, handlers: [EndlessHandler()], retryPolicy: RetryPolicy(maximumAttempts: 1, baseDelay: 10), clock: clock, jitter: { 1 })
        await queue.enqueue(JobRequest(id: UUID(), queue: "q", kind: "test.job", payload: [:]), now: clock.now())

        let running = Task { try await runner.runNext(from: "q", lease: 300) }
        while await queue.counts(now: clock.now())["q"]?.active != 1 { try await Task.sleep(for: .milliseconds(5)) }
        running.cancel()
        let outcome = try await running.value

        #expect(outcome == .released)
        #expect(await queue.counts(now: clock.now())["q"] == QueueCounts(waiting: 1))
    }
}
