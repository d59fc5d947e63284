import Domain
import Foundation
import HTTPAdapter
import Logging
import OutboundHTTP
import ServiceLifecycle

/// One alert: an incident starting (`firing`) or ending (`resolved`).
struct Alert: Sendable, Equatable {
    enum Kind: String, Sendable {
        /// The dead-letter queues hold `FAILED_JOBS_ALERT_THRESHOLD` jobs or more (a state all instances share).
        case failedJobs = "failed_jobs"
        /// This instance answered `ALERT_ERROR_RATE_PERCENT` or more of its requests with 5xx over `ALERT_ERROR_WINDOW`.
        case errorRate = "error_rate"
    }

    enum Status: String, Sendable {
        case firing
        case resolved
    }

    let kind: Kind
    let status: Status
    let value: Double
    let threshold: Double
    let summary: String
}

/// Decides when an incident starts and ends from readings taken on a schedule: an alert fires when a reading crosses
/// its threshold and resolves when it falls back, so a webhook gets one message per incident and one when it is
/// over, however many requests or ticks happen meanwhile.
struct AlertRules: Sendable {
    let failedJobsThreshold: Int
    let errorRatePercent: Int
    let errorWindow: Duration
    let minimumRequests: Int

    private(set) var firing: Set<Alert.Kind> = []
    /// Request totals (answered, 5xx) by reading time, as far back as the window.
    private var samples: [(at: ContinuousClock.Instant, answered: Int, errors: Int)] = []

    init(failedJobsThreshold: Int, errorRatePercent: Int, errorWindow: Duration, minimumRequests: Int) {
        self.failedJobsThreshold = failedJobsThreshold
        self.errorRatePercent = errorRatePercent
        self.errorWindow = errorWindow
        self.minimumRequests = minimumRequests
    }

    /// The alerts this reading starts or ends. `deadJobs` is nil when the queue could not be read (no change then);
    /// `totals` is nil where no requests are served (a worker).
    mutating func evaluate(now: ContinuousClock.Instant, deadJobs: Int?, totals: (answered: Int, serverErrors: Int)?) -> [Alert] {
        var alerts: [Alert] = []
        if let deadJobs {
            let threshold = Double(failedJobsThreshold)
            alerts += transition(
                .failedJobs, crossed: deadJobs >= failedJobsThreshold, value: Double(deadJobs), threshold: threshold,
                summary: "\(deadJobs) failed jobs in the dead-letter queues (threshold \(failedJobsThreshold))")
        }
        if let totals {
            samples.append((now, totals.answered, totals.serverErrors))
            // Keep the newest sample at least a window old, as the window's start.
            while samples.count > 1, now - samples[1].at >= errorWindow { samples.removeFirst() }
            let start = samples[0]
            let answered = totals.answered - start.answered
            let errors = totals.serverErrors - start.errors
            let percent = answered > 0 ? Double(errors) * 100 / Double(answered) : 0
            let threshold = Double(errorRatePercent)
            let summary = String(format: "%.1f%% of %d requests answered 5xx (threshold %d%%)", percent, answered, errorRatePercent)
            if !firing.contains(.errorRate) {
                alerts += transition(
                    .errorRate, crossed: answered >= minimumRequests && percent >= threshold, value: percent, threshold: threshold, summary: summary)
            } else {
                // It ends below half the threshold, so a rate hovering at it does not flap; or, with too little traffic
                // to judge a rate, after a whole window without a single 5xx (an instance taken out of rotation).
                let fullWindow = now - start.at >= errorWindow
                let over = answered >= minimumRequests ? percent >= threshold / 2 : !(fullWindow && errors == 0)
                alerts += transition(.errorRate, crossed: over, value: percent, threshold: threshold, summary: summary)
            }
        }
        return alerts
    }

    private mutating func transition(_ kind: Alert.Kind, crossed: Bool, value: Double, threshold: Double, summary: String) -> [Alert] {
        if crossed, !firing.contains(kind) {
            firing.insert(kind)
            return [Alert(kind: kind, status: .firing, value: value, threshold: threshold, summary: summary)]
        }
        if !crossed, firing.contains(kind) {
            firing.remove(kind)
            return [Alert(kind: kind, status: .resolved, value: value, threshold: threshold, summary: summary)]
        }
        return []
    }
}

/// Where alerts go: `ALERT_WEBHOOK_URL` through the outbound client, and always the log.
protocol AlertSink: Sendable {
    func send(_ alert: Alert) async throws
}

/// POSTs each alert as JSON. The body's `dedupKey` is the same for every instance reporting the shared failed-jobs
/// state, and names the instance for its own error rate, so a receiver can group what several instances send.
struct WebhookAlertSink: AlertSink {
    let client: OutboundHTTPClient
    let url: String
    let instance: String
    let clock: any WallClock

    func send(_ alert: Alert) async throws {
        let dedupKey = alert.kind == .failedJobs ? "portside:failed_jobs" : "portside:error_rate:\(instance)"
        let body: [String: Any] = [
            "service": "portside", "instance": instance, "alert": alert.kind.rawValue, "status": alert.status.rawValue,
            "summary": alert.summary, "value": alert.value, "threshold": alert.threshold, "dedupKey": dedupKey,
            "at": ISO8601DateFormatter().string(from: clock.now()),
        ]
        let json = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        // A repeat is harmless: the receiver de-duplicates by dedupKey and status.
        let response = try await client.postJSON(Array(json), to: url, idempotent: true)
        guard (200..<300).contains(response.status) else { throw WebhookRefused(status: response.status) }
    }
}

/// The webhook answered, but not with 2xx (a revoked hook, a redirect): the alert was not delivered.
struct WebhookRefused: Error, CustomStringConvertible {
    let status: Int

    var description: String { "the webhook answered \(status)" }
}

/// Reads the dead-letter size and this instance's request totals every `tick` and sends the alerts `AlertRules`
/// decides on. An alert the webhook did not take is sent again at the next tick, until it does.
final class AlertMonitor: Service {
    private let queue: any JobQueue
    private let requests: RequestMetrics?
    private let clock: any WallClock
    private let sink: (any AlertSink)?
    private let tick: Duration
    private let logger: Logger
    private let rules: AlertRules
    private let close: @Sendable () async -> Void

    init(
        rules: AlertRules, queue: any JobQueue, requests: RequestMetrics?, clock: any WallClock, sink: (any AlertSink)?,
        tick: Duration = .seconds(15), logger: Logger, close: @escaping @Sendable () async -> Void = {}
    ) {
        self.close = close
        self.rules = rules
        self.queue = queue
        self.requests = requests
        self.clock = clock
        self.sink = sink
        self.tick = tick
        self.logger = logger
    }

    func run() async throws {
        var rules = self.rules
        var undelivered: [Alert.Kind: Alert] = [:]
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            await check(&rules, undelivered: &undelivered)
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.tick) }
        }
        await close()
    }

    /// The monitor `serve` and `worker` run: the webhook when `ALERT_WEBHOOK_URL` is set, the log always.
    static func make(
        _ configuration: Configuration, queue: any JobQueue, requests: RequestMetrics?, clock: any WallClock, logger: Logger
    ) -> AlertMonitor {
        let rules = AlertRules(
            failedJobsThreshold: configuration.failedJobsAlertThreshold, errorRatePercent: configuration.alertErrorRatePercent,
            errorWindow: configuration.alertErrorWindow, minimumRequests: configuration.alertErrorMinimumRequests)
        guard let url = configuration.alertWebhookURL else {
            return AlertMonitor(rules: rules, queue: queue, requests: requests, clock: clock, sink: nil, logger: logger)
        }
        let client = OutboundHTTPClient(service: "alert webhook", logger: logger)
        let instance = ProcessInfo.processInfo.hostName + ":" + String(ProcessInfo.processInfo.processIdentifier)
        let sink = WebhookAlertSink(client: client, url: url.value, instance: instance, clock: clock)
        return AlertMonitor(
            rules: rules, queue: queue, requests: requests, clock: clock, sink: sink, logger: logger, close: { await client.shutdown() })
    }

    /// Evaluates one reading and delivers what it decided, with any alert an earlier tick failed to deliver (only the
    /// latest of each kind: a "resolved" replaces the "firing" it ends), until the webhook takes it.
    func check(_ rules: inout AlertRules, undelivered: inout [Alert.Kind: Alert]) async {
        let dead = (try? await queue.counts(now: clock.now()))?.values.reduce(0) { $0 + $1.dead }
        for alert in rules.evaluate(now: .now, deadJobs: dead, totals: requests?.totals) {
            let metadata: Logger.Metadata = ["alert": "\(alert.kind.rawValue)", "status": "\(alert.status.rawValue)", "summary": "\(alert.summary)"]
            if alert.status == .firing { logger.error("alert", metadata: metadata) } else { logger.notice("alert", metadata: metadata) }
            if sink != nil { undelivered[alert.kind] = alert }
        }
        guard let sink else { return }
        for (kind, alert) in undelivered.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            do {
                try await sink.send(alert)
                undelivered[kind] = nil
            } catch {
                logger.error("alert webhook failed; retrying next check", metadata: ["alert": "\(kind.rawValue)", "error": "\(error)"])
            }
        }
    }
}
