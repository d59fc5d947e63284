import Domain
import Foundation
import Logging
import MailAdapters
import RedisAdapter
import SystemAdapters

/// Measurements of the job queue and the mailer on this machine, behind `portside queue-benchmark` and
/// `portside mail-benchmark` (benchmarks/jobs.sh runs both against throwaway servers).
extension Portside {
    public struct QueueBenchmark: Sendable {
        public let jobs: Int
        public let concurrency: Int
        public let enqueueSeconds: Double
        public let drainSeconds: Double

        public var enqueuedPerSecond: Double { Double(jobs) / enqueueSeconds }
        public var completedPerSecond: Double { Double(jobs) / drainSeconds }
    }

    /// Enqueues `jobs` no-op jobs on the Redis queue of `REDIS_URL` (under a key prefix of their own), then runs them
    /// with `concurrency` loops of the real runner and a handler that does nothing: what the queue itself costs.
    public static func queueBenchmark(configuration: Configuration, jobs: Int, concurrency: Int, logger: Logger) async throws -> QueueBenchmark {
        guard let target = configuration.redis else { throw WorkerNeedsRedis() }
        let client = RedisClient(url: try RedisURL(target.url.value), poolSize: concurrency, logger: logger)
        defer { Task { await client.close() } }
        let queue = RedisJobQueue(client: client, prefix: "benchmark:\(UUID().uuidString.lowercased()):")
        let clock = SystemClock()
        let elapsed = ContinuousClock()

        let enqueueStart = elapsed.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<concurrency {
                group.addTask {
                    for index in stride(from: lane, to: jobs, by: concurrency) {
                        try await queue.enqueue(
                            JobRequest(id: UUID(), queue: "benchmark", kind: "benchmark.noop", payload: ["n": String(index)]), now: clock.now())
                    }
                }
            }
            try await group.waitForAll()
        }
        let enqueueSeconds = (elapsed.now - enqueueStart).seconds

        let runner = JobRunner(queue: queue, handlers: [NoOpHandler()], retryPolicy: RetryPolicy(), clock: clock, jitter: { 0 })
        let drainStart = elapsed.now
        let completed = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var count = 0
                    while try await runner.runNext(from: "benchmark", lease: 60) != nil { count += 1 }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        let drainSeconds = (elapsed.now - drainStart).seconds
        guard completed == jobs else { throw BenchmarkMismatch(expected: jobs, actual: completed) }
        return QueueBenchmark(jobs: jobs, concurrency: concurrency, enqueueSeconds: enqueueSeconds, drainSeconds: drainSeconds)
    }

    /// Sends `messages` emails through the mailer of `MAIL_URL`, `concurrency` at a time; returns the seconds taken.
    public static func mailBenchmark(configuration: Configuration, messages: Int, concurrency: Int, recipient: String) async throws -> Double {
        guard case .smtp(let url, _) = configuration.mail else { throw MailBenchmarkNeedsSMTP() }
        let mailer = try SMTPMailer(url: try SMTPURL(url.value), from: configuration.mailFrom, clock: SystemClock())
        let elapsed = ContinuousClock()
        let start = elapsed.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<concurrency {
                group.addTask {
                    for index in stride(from: lane, to: messages, by: concurrency) {
                        try await mailer.send(
                            EmailMessage(
                                id: UUID(), to: recipient, subject: "Benchmark \(index)", text: "Message \(index) of the mail benchmark.",
                                html: "<p>Message \(index) of the mail benchmark.</p>"))
                    }
                }
            }
            try await group.waitForAll()
        }
        return (elapsed.now - start).seconds
    }
}

/// A handler that does nothing, so a benchmark measures the queue alone.
private struct NoOpHandler: JobHandler {
    var kinds: Set<String> { ["benchmark.noop"] }
    func run(_ job: Job) async throws {}
}

struct BenchmarkMismatch: Error, CustomStringConvertible {
    let expected: Int
    let actual: Int
    var description: String { "the benchmark completed \(actual) jobs of \(expected)" }
}

public struct MailBenchmarkNeedsSMTP: Error, CustomStringConvertible {
    public var description: String { "mail-benchmark needs MAIL_URL=smtp://... or smtps://..." }
}

extension Duration {
    /// The duration in seconds, with its fraction.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
