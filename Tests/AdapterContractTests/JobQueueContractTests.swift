import Domain
import Foundation
import MemoryAdapters
import RedisAdapter
import Testing

/// Every adapter of `JobQueue`, with the same tests. Each Redis case works under a key prefix of its own.
enum JobQueueKind: String, CaseIterable, CustomStringConvertible, Sendable {
    case memory
    case redis

    var description: String { rawValue }

    /// A new, empty queue; throws (skipping the case, or failing it under CI) when its server is missing.
    func make() throws -> any JobQueue {
        switch self {
        case .memory: return MemoryJobQueue()
        case .redis:
            guard let client = try RedisTestServer.client() else { throw RedisMissing() }
            return RedisJobQueue(client: client, prefix: RedisTestServer.freshPrefix())
        }
    }
}

/// Under CI, a Redis case without its server has already recorded why it fails.
struct RedisMissing: Error {}

/// The contract of the job queue: at-least-once delivery under leases, retries, and an operable dead-letter queue.
@Suite struct JobQueueContractTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func request(_ number: Int, queue: String = "email", runAt: Date? = nil) -> JobRequest {
        JobRequest(
            id: UUID(uuidString: String(format: "00000000-0000-7000-8000-%012x", number))!,
            queue: queue, kind: "email.verification", payload: ["userId": "u\(number)"], runAt: runAt
        )
    }

    @Test(arguments: JobQueueKind.allCases)
    func aReservedJobIsNotHandedToAnyoneElseWhileItsLeaseLives(kind: JobQueueKind) async throws {
        let queue = try kind.make()
        try await queue.enqueue(request(1), now: start)

        let first = try await queue.reserve(from: "email", lease: 30, now: start)
        let second = try await queue.reserve(from: "email", lease: 30, now: start.addingTimeInterval(29))

        #expect(first?.job.id == request(1).id)
        #expect(first?.job.attempts == 1)
        #expect(first?.job.payload == ["userId": "u1"])
        #expect(first?.leaseExpiresAt == start.addingTimeInterval(30))
        #expect(second == nil)
    }

    @Test(arguments: JobQueueKind.allCases)
    func aJobKeepsTheTraceOfTheRequestThatAskedForItThroughRetriesAndTheDeadLetterQueue(kind: JobQueueKind) async throws {
        let queue = try kind.make()
        let trace = ["traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "tracestate": "vendor=1"]
        try await queue.enqueue(request(1).tracing(trace), now: start)
        try await queue.enqueue(request(2), now: start)

        let one = try #require(try await queue.reserve(from: "email", lease: 30, now: start))
        let other = try #require(try await queue.reserve(from: "email", lease: 30, now: start))
        let (first, untraced) = one.job.id == request(1).id ? (one, other) : (other, one)
        #expect(first.job.traceContext == trace)
        #expect(untraced.job.traceContext == [:])
        #expect(try await queue.retry(first, error: "later", at: start))
        let again = try #require(try await queue.reserve(from: "email", lease: 30, now: start))
        #expect(again.job.traceContext == trace)
        #expect(try await queue.bury(again, error: "broken", now: start))
        let dead = try await queue.deadLetters(queue: "email", page: PageRequest(page: 1, limit: 10))
        #expect(dead.items.first?.traceContext == trace)
    }

    @Test(arguments: JobQueueKind.allCases)
    func enqueueingAKnownIdDoesNothing(kind: JobQueueKind) async throws {
        let queue = try kind.make()
        try await queue.enqueue(request(1), now: start)
        try await queue.enqueue(request(1), now: start)
        #expect(try await queue.counts(now: start)["email"] == QueueCounts(waiting: 1))
    }

    @Test(arguments: JobQueueKind.allCases)
    func aDelayedJobWaitsForItsTime(kind: JobQueueKind) async throws {
        let queue = try kind.make()
        try await queue.enqueue(request(1, runAt: start.addingTimeInterval(60)), now: start)

        let early = try await queue.reserve(from: "email", lease: 30, now: start.addingTimeInterval(59))
        let onTime = try await queue.reserve(from: "email", lease: 30, now: start.addingTimeInterval(60))

        #expect(early == nil)
        #expect(onTime?.job.id == request(1).id)
    }

    @Test(arguments: JobQueueKind.allCases)
    func queuesAreSeparateAndServedOldestFirst(kind: JobQueueKind) async throws {
        let queue = try kind.make()
        try await queue.enqueue(request(1, queue: "maintenance"), now: start)
        try await queue.enqueue(request(2), now: start.addingTimeInterval(2))
        try await queue.enqueue(request(3), now: start.addingTimeInterval(1))

        let order = [
            try await queue.reserve(from: "email", lease: 30, now: start.addingTimeInterval(5))?.job.id,
            try await queue.reserve(from: "email", lease: 30, now: start.addingTimeInterval(5))?.job.id,
            try await queue.reserve(from: "email", lease: 30, now: start.addingTimeInterval(5))?.job.id,
        ]
        #expect(order == [request(3).id, request(2).id, nil])
    }

    @Test(arguments: JobQueueKind.allCases)
    func aJobWhoseWorkerDiedIsDeliveredAgainAndTheOldLeaseIsVoid(kind: JobQueueKind) async throws {
        let queue = try kind.make()
        try await queue.enqueue(request(1), now: start)
        let lost = try #require(try await queue.reserve(from: "email", lease: 30, now: start))

        let again = try #require(try await queue.reserve(from: "email", lease: 30, now: start.addingTimeInterval(31)))

        #expect(again.job.attempts == 2)
        #expect(try await queue.complete(lost, now: start.addingTimeInterval(31)) == false)
        #expect(try await queue.retry(lost, error: "late", at: start) == false)
        #expect(try await queue.bury(lost, error: "late", now: start) == false)
        #expect(try await queue.complete(again, now: start.addingTimeInterval(31)))
        #expect(try await queue.counts(now: start.addingTimeInterval(32))["email"] ?? QueueCounts() == QueueCounts())
    }

    @Test(arguments: JobQueueKind.allCases)
    func aCompletedJobIsGone(kind: JobQueueKind) async throws {
        let queue = try kind.make()
        try await queue.enqueue(request(1), now: start)
        let reservation = try #require(try await queue.reserve(from: "email", lease: 30, now: start))

        #expect(try await queue.complete(reservation, now: start))
        #expect(try await queue.complete(reservation, now: start) == false)
        #expect(try await queue.reserve(from: "email", lease: 30, now: start.addingTimeInterval(3600)) == nil)
    }

    @Test(arguments: JobQueueKind.allCases)
    func aCompletedJobsIdIsIgnoredForADaySoARetriedRelayDoesNotRunItTwice(kind: JobQueueKind) async throws {
        let queue = try kind.make()
        try await queue.enqueue(request(1), now: start)
        let reservation = try #require(try await queue.reserve(from: "email", lease: 30, now: start))
        #expect(try await queue.complete(reservation, now: start.addingTimeInterval(1)))

        try await queue.enqueue(request(1), now: start.addingTimeInterval(60))

        #expect(try await queue.reserve(from: "email", lease: 30, now: start.addingTimeInterval(61)) == nil)
        #expect(try await queue.counts(now: start.addingTimeInterval(61))["email"] ?? QueueCounts() == QueueCounts())
    }

    @Test(arguments: JobQueueKind.allCases)
    func aRetriedJobComesBackAtItsTimeWithItsError(kind: JobQueueKind) async throws {
        let queue = try kind.make()
        try await queue.enqueue(request(1), now: start)
        let first = try #require(try await queue.reserve(from: "email", lease: 30, now: start))

        #expect(try await queue.retry(first, error: "421 try later", at: start.addingTimeInterval(10)))
        let tooSoon = try await queue.reserve(from: "email", lease: 30, now: start.addingTimeInterval(9))
        let second = try await queue.reserve(from: "email", lease: 30, now: start.addingTimeInterval(10))

        #expect(tooSoon == nil)
        #expect(second?.job.attempts == 2)
        #expect(second?.job.lastError == "421 try later")
    }

    @Test(arguments: JobQueueKind.allCases)
    func theDeadLetterQueueKeepsEverythingAndCanBeOperated(kind: JobQueueKind) async throws {
        let queue = try kind.make()
        try await queue.enqueue(request(1), now: start)
        try await queue.enqueue(request(2, queue: "maintenance"), now: start)
        let email = try #require(try await queue.reserve(from: "email", lease: 30, now: start))
        let maintenance = try #require(try await queue.reserve(from: "maintenance", lease: 30, now: start))
        #expect(try await queue.bury(email, error: "550 no such user", now: start.addingTimeInterval(1)))
        #expect(try await queue.bury(maintenance, error: "boom", now: start.addingTimeInterval(2)))

        let all = try await queue.deadLetters(queue: nil, page: PageRequest(page: 1, limit: 10))
        let emailOnly = try await queue.deadLetters(queue: "email", page: PageRequest(page: 1, limit: 10))
        #expect(all.items.map(\.id) == [request(2).id, request(1).id])
        #expect(emailOnly.items.count == 1)
        let dead = try #require(emailOnly.items.first)
        #expect(dead.queue == "email")
        #expect(dead.payload == ["userId": "u1"])
        #expect(dead.lastError == "550 no such user")
        #expect(dead.attempts == 1)
        #expect(dead.failedAt == start.addingTimeInterval(1))
        #expect(try await queue.counts(now: start)["email"] == QueueCounts(dead: 1))

        #expect(try await queue.requeueDeadLetter(id: request(1).id, now: start.addingTimeInterval(5)))
        let requeued = try await queue.reserve(from: "email", lease: 30, now: start.addingTimeInterval(5))
        #expect(requeued?.job.id == request(1).id)
        #expect(requeued?.job.attempts == 1)

        #expect(try await queue.removeDeadLetter(id: request(2).id))
        #expect(try await queue.removeDeadLetter(id: request(2).id) == false)
        #expect(try await queue.requeueDeadLetter(id: request(2).id, now: start) == false)
    }

    @Test(arguments: JobQueueKind.allCases)
    func oldDeadLettersArePurged(kind: JobQueueKind) async throws {
        let queue = try kind.make()
        for number in 1...3 {
            try await queue.enqueue(request(number), now: start)
            let reservation = try #require(try await queue.reserve(from: "email", lease: 30, now: start))
            _ = try await queue.bury(reservation, error: "x", now: start.addingTimeInterval(Double(number) * 100))
        }

        #expect(try await queue.purgeDeadLetters(failedBefore: start.addingTimeInterval(250)) == 2)
        #expect(try await queue.deadLetters(queue: nil, page: PageRequest(page: 1, limit: 10)).items.map(\.id) == [request(3).id])
    }

    @Test(arguments: JobQueueKind.allCases)
    func countsSplitEveryState(kind: JobQueueKind) async throws {
        let queue = try kind.make()
        try await queue.enqueue(request(1), now: start)
        try await queue.enqueue(request(2), now: start)
        try await queue.enqueue(request(3, runAt: start.addingTimeInterval(60)), now: start)
        try await queue.enqueue(request(4), now: start)
        _ = try await queue.reserve(from: "email", lease: 30, now: start)
        let dying = try #require(try await queue.reserve(from: "email", lease: 30, now: start))
        _ = try await queue.bury(dying, error: "x", now: start)

        #expect(try await queue.counts(now: start)["email"] == QueueCounts(waiting: 1, delayed: 1, active: 1, dead: 1))
    }

    @Test(arguments: JobQueueKind.allCases)
    func concurrentWorkersNeverShareAJob(kind: JobQueueKind) async throws {
        let queue = try kind.make()
        for number in 1...20 { try await queue.enqueue(request(number), now: start) }

        let reserved = try await withThrowingTaskGroup(of: UUID?.self) { group in
            for _ in 0..<40 {
                group.addTask { try await queue.reserve(from: "email", lease: 30, now: self.start)?.job.id }
            }
            return try await group.reduce(into: [UUID]()) { if let id = $1 { $0.append(id) } }
        }

        #expect(reserved.count == 20)
        #expect(Set(reserved).count == 20)
    }
}
