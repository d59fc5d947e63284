import Domain
import Foundation
import HTTPAdapter
import Hummingbird
import Logging
import MemoryAdapters
import OutboundHTTP
import Synchronization
import TestSupport
import Testing

@testable import App

@Suite struct AlertRulesTests {
    static func rules(threshold: Int = 3, percent: Int = 10, window: Duration = .seconds(60), minimum: Int = 20) -> AlertRules {
        AlertRules(failedJobsThreshold: threshold, errorRatePercent: percent, errorWindow: window, minimumRequests: minimum)
    }

    @Test func theFailedJobsAlertFiresOncePerIncidentAndResolvesOnce() {
        var rules = Self.rules()
        let start = ContinuousClock.now
        var sent: [Alert] = []
        for (second, dead) in [0, 1, 3, 4, 9, 3, 2, 0, 1, 5].enumerated() {
            sent += rules.evaluate(now: start + .seconds(second), deadJobs: dead, totals: nil)
        }
        #expect(sent.map(\.status) == [.firing, .resolved, .firing])
        #expect(sent.allSatisfy { $0.kind == .failedJobs })
        #expect(sent.map(\.value) == [3, 2, 5])
    }

    @Test func anUnreadableQueueChangesNothing() {
        var rules = Self.rules()
        let now = ContinuousClock.now
        #expect(rules.evaluate(now: now, deadJobs: 5, totals: nil).map(\.status) == [.firing])
        #expect(rules.evaluate(now: now + .seconds(1), deadJobs: nil, totals: nil).isEmpty)
        #expect(rules.firing == [.failedJobs])
    }

    @Test func theErrorRateAlertNeedsTheRateAndTheVolumeWithinTheWindow() {
        var rules = Self.rules(percent: 10, window: .seconds(60), minimum: 20)
        let start = ContinuousClock.now
        // 5 of 10 requests failed: a high rate, but too few requests to call it an incident.
        #expect(rules.evaluate(now: start, deadJobs: nil, totals: (0, 0)).isEmpty)
        #expect(rules.evaluate(now: start + .seconds(10), deadJobs: nil, totals: (10, 5)).isEmpty)
        // 5 of 100: 5%, under the threshold.
        #expect(rules.evaluate(now: start + .seconds(20), deadJobs: nil, totals: (100, 5)).isEmpty)
        // 15 of 150 within the window: 10%, at the threshold.
        let firing = rules.evaluate(now: start + .seconds(30), deadJobs: nil, totals: (150, 15))
        #expect(firing.map(\.status) == [.firing])
        #expect(firing.first?.kind == .errorRate)
        #expect(firing.first?.value == 10)
        // More failures while it fires send nothing more.
        #expect(rules.evaluate(now: start + .seconds(40), deadJobs: nil, totals: (200, 40)).isEmpty)
        #expect(rules.evaluate(now: start + .seconds(50), deadJobs: nil, totals: (205, 42)).isEmpty)
        // Traffic too thin to judge a rate keeps the incident open while 5xx still come (one in the last window)...
        #expect(rules.evaluate(now: start + .seconds(120), deadJobs: nil, totals: (210, 43)).isEmpty)
        #expect(rules.firing == [.errorRate])
        // ...and ends it after a whole window without one (an instance taken out of rotation).
        let resolved = rules.evaluate(now: start + .seconds(190), deadJobs: nil, totals: (215, 43))
        #expect(resolved.map(\.status) == [.resolved])
    }

    @Test func aRateHoveringAtTheThresholdDoesNotFlap() {
        var rules = Self.rules(percent: 10, window: .seconds(60), minimum: 20)
        let start = ContinuousClock.now
        _ = rules.evaluate(now: start, deadJobs: nil, totals: (0, 0))
        #expect(rules.evaluate(now: start + .seconds(10), deadJobs: nil, totals: (100, 10)).map(\.status) == [.firing])
        // 7% and then 6% over the window: under the threshold, but not under half of it, so it stays firing.
        #expect(rules.evaluate(now: start + .seconds(70), deadJobs: nil, totals: (200, 17)).isEmpty)
        #expect(rules.evaluate(now: start + .seconds(130), deadJobs: nil, totals: (300, 23)).isEmpty)
        // 4%: below half the threshold, so it is over.
        #expect(rules.evaluate(now: start + .seconds(190), deadJobs: nil, totals: (400, 27)).map(\.status) == [.resolved])
    }

    @Test func failuresOlderThanTheWindowNoLongerCount() {
        var rules = Self.rules(percent: 10, window: .seconds(60), minimum: 20)
        let start = ContinuousClock.now
        _ = rules.evaluate(now: start, deadJobs: nil, totals: (0, 0))
        #expect(rules.evaluate(now: start + .seconds(10), deadJobs: nil, totals: (100, 50)).map(\.status) == [.firing])
        // Within the window the burst still counts: 50 failures of 120 answers.
        #expect(rules.evaluate(now: start + .seconds(40), deadJobs: nil, totals: (120, 50)).isEmpty)
        // At seventy seconds the window starts after the burst: 50 clean answers since.
        #expect(rules.evaluate(now: start + .seconds(70), deadJobs: nil, totals: (170, 50)).map(\.status) == [.resolved])
    }
}

/// A local webhook receiver keeping every body it was sent.
final class WebhookReceiver: Sendable {
    private let bodies = Mutex<[Data]>([])
    private let failing = Atomic<Int>(0)

    /// Each body received, as a JSON object.
    var received: [[String: Any]] {
        bodies.withLock { $0 }.compactMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
    }

    private let failingStatus = Atomic<Int>(503)

    /// The next `count` deliveries are answered `status`.
    func fail(next count: Int, status: Int = 503) {
        failingStatus.store(status, ordering: .relaxed)
        failing.store(count, ordering: .relaxed)
    }

    func run(_ body: @Sendable (_ url: String) async throws -> Void) async throws {
        let router = Router()
        router.post("/alerts") { request, _ -> Response in
            let buffer = try await request.body.collect(upTo: 64 * 1024)
            if self.failing.load(ordering: .relaxed) > 0 {
                self.failing.subtract(1, ordering: .relaxed)
                return Response(status: .init(code: self.failingStatus.load(ordering: .relaxed)))
            }
            let data = Data(buffer: buffer)
            self.bodies.withLock { $0.append(data) }
            return Response(status: .noContent)
        }
        try await withLocalHTTPServer(router) { port in try await body("http://127.0.0.1:\(port)/alerts") }
    }
}

@Suite struct AlertWebhookTests {
    /// Buries `count` jobs in `queue`.
    static func bury(_ count: Int, in queue: MemoryJobQueue) async throws -> [UUID] {
        var ids: [UUID] = []
        for _ in 0..<count {
            let id = UUID()
            ids.append(id)
            await queue.enqueue(JobRequest(id: id, queue: "email", kind: "test", payload: [:]), now: Date())
            let reservation = try #require(await queue.reserve(from: "email", lease: 60, now: Date()))
            _ = await queue.bury(reservation, error: "broken", now: Date())
        }
        return ids
    }

    /// A monitor of `queue`'s failed jobs posting to `url` through `client`, checking every 20 ms.
    static func monitor(failedJobsThreshold: Int, queue: MemoryJobQueue, client: OutboundHTTPClient, url: String) -> AlertMonitor {
        AlertMonitor(
            rules: AlertRules(failedJobsThreshold: failedJobsThreshold, errorRatePercent: 5, errorWindow: .seconds(60), minimumRequests: 20),
            queue: queue, requests: nil, clock: TestClock(),
            sink: WebhookAlertSink(client: client, url: url, instance: "test-instance", clock: TestClock()),
            tick: .milliseconds(20), logger: Logger(label: "alert-tests"), close: { await client.shutdown() })
    }

    @Test func theWebhookGetsOneFiringAndOneResolvedMessagePerIncidentThroughAFailingDelivery() async throws {
        let receiver = WebhookReceiver()
        let queue = MemoryJobQueue()
        let ids = try await Self.bury(3, in: queue)
        try await receiver.run { url in
            let client = OutboundHTTPClient(
                service: "alert webhook",
                policy: .init(attemptTimeout: .seconds(2), maximumAttempts: 3, initialBackoff: .milliseconds(10)),
                logger: Logger(label: "alert-tests"))
            // The first delivery meets a 503: the client's retry gets it through.
            receiver.fail(next: 1)
            let monitor = AlertWebhookTests.monitor(failedJobsThreshold: 3, queue: queue, client: client, url: url)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await monitor.run() }
                try await eventually { receiver.received.count == 1 }
                // Many more ticks pass with the incident still open.
                try await Task.sleep(for: .milliseconds(300))
                #expect(receiver.received.count == 1)
                for id in ids { _ = await queue.removeDeadLetter(id: id) }
                try await eventually { receiver.received.count == 2 }
                try await Task.sleep(for: .milliseconds(200))
                group.cancelAll()
            }
        }
        let alerts = receiver.received
        #expect(alerts.count == 2)
        #expect(alerts.map { $0["status"] as? String } == ["firing", "resolved"])
        #expect(alerts.allSatisfy { $0["alert"] as? String == "failed_jobs" })
        #expect(alerts.allSatisfy { $0["dedupKey"] as? String == "portside:failed_jobs" })
        #expect(alerts.first?["value"] as? Double == 3)
        #expect(alerts.first?["threshold"] as? Double == 3)
        #expect(alerts.first?["instance"] as? String == "test-instance")
        #expect((alerts.first?["summary"] as? String)?.contains("3 failed jobs") == true)
    }
}

@Suite struct AlertRedeliveryTests {
    /// Found in review: a webhook answering 4xx counted as delivered, and a failed delivery was never retried, so a
    /// receiver could show an incident open for ever.
    @Test func anAlertTheWebhookRefusedIsSentAgainAtTheNextCheck() async throws {
        let receiver = WebhookReceiver()
        let queue = MemoryJobQueue()
        _ = try await AlertWebhookTests.bury(1, in: queue)
        try await receiver.run { url in
            let client = OutboundHTTPClient(service: "alert webhook", logger: Logger(label: "alert-tests"))
            // 410 is not retried by the client (a client error is the caller's business): the monitor must retry.
            receiver.fail(next: 2, status: 410)
            let monitor = AlertWebhookTests.monitor(failedJobsThreshold: 1, queue: queue, client: client, url: url)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await monitor.run() }
                try await eventually { receiver.received.count == 1 }
                try await Task.sleep(for: .milliseconds(200))
                group.cancelAll()
            }
        }
        #expect(receiver.received.count == 1)
        #expect(receiver.received.first?["status"] as? String == "firing")
    }
}

/// Polls `condition` until it holds, for at most ten seconds.
func eventually(_ condition: @Sendable () async throws -> Bool) async throws {
    for _ in 0..<200 {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw TestFailure("the condition did not hold within ten seconds")
}
