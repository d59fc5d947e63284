import Domain
import Foundation
import MemoryAdapters
import Testing

@Suite struct RetryPolicyTests {
    let policy = RetryPolicy(maximumAttempts: 3, baseDelay: 1, maximumDelay: 10)
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func delaysDoubleWithJitterBetweenHalfAndAll() {
        #expect(policy.delay(afterAttempt: 1, jitter: 1) == 1)
        #expect(policy.delay(afterAttempt: 2, jitter: 1) == 2)
        #expect(policy.delay(afterAttempt: 3, jitter: 1) == 4)
        #expect(policy.delay(afterAttempt: 3, jitter: 0) == 2)
        #expect(policy.delay(afterAttempt: 10, jitter: 1) == 10)
    }

    @Test func aFailureIsRetriedUntilTheAttemptsAreUsedUpThenBuried() async throws {
        let queue: any JobQueue = MemoryJobQueue()
        try await queue.enqueue(JobRequest(id: UUID(), queue: "email", kind: "k", payload: [:]), now: now)
        var clock = now
        var outcomes: [String] = []
        for _ in 0..<3 {
            let reservation = try #require(try await queue.reserve(from: "email", lease: 30, now: clock))
            #expect(try await policy.settle(reservation, error: "421", permanent: false, in: queue, now: clock, jitter: 1))
            let counts = try await queue.counts(now: clock)["email"]
            outcomes.append(counts?.dead == 1 ? "buried" : "retried")
            clock = clock.addingTimeInterval(policy.delay(afterAttempt: reservation.job.attempts, jitter: 1))
        }
        #expect(outcomes == ["retried", "retried", "buried"])
    }

    @Test func aPermanentFailureIsBuriedAtOnce() async throws {
        let queue: any JobQueue = MemoryJobQueue()
        try await queue.enqueue(JobRequest(id: UUID(), queue: "email", kind: "k", payload: [:]), now: now)
        let reservation = try #require(try await queue.reserve(from: "email", lease: 30, now: now))

        #expect(try await policy.settle(reservation, error: "550 no such user", permanent: true, in: queue, now: now, jitter: 0.5))
        let dead = try await queue.deadLetters(queue: "email", page: PageRequest(page: 1, limit: 10))
        #expect(dead.items.first?.lastError == "550 no such user")
        #expect(dead.items.first?.attempts == 1)
    }
}
