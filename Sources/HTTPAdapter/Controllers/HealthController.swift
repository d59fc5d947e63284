import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// `/api/v1/health`, `/health/live` and `/health/ready`.
struct HealthController {
    static let checkTimeout = Duration.seconds(2)

    let checks: [any DependencyCheck]
    let readiness: Readiness
    let clock: any WallClock
    let version: String
    /// The job queues, whose failed jobs `/health` reports against the alert threshold.
    let jobs: JobAdminService?
    let startedAt = ContinuousClock.now
    let cache: HealthCache

    init(checks: [any DependencyCheck], readiness: Readiness, clock: any WallClock, version: String, jobs: JobAdminService?, cacheLifetime: Duration)
    {
        self.checks = checks
        self.readiness = readiness
        self.clock = clock
        self.version = version
        self.jobs = jobs
        self.cache = HealthCache(lifetime: cacheLifetime)
    }

    func register(on routes: RouteCatalog) {
        routes.on(.get, "/api/v1/health", use: health)
        routes.on(.get, "/api/v1/health/live", use: live)
        routes.on(.get, "/api/v1/health/ready", use: ready)
    }

    @Sendable func health(_ request: Request, context: AppRequestContext) async throws -> Response {
        let results = await probeAll(logger: context.logger)
        let healthy = results.values.allSatisfy { $0.status == "up" }
        let uptime = ContinuousClock.now - startedAt
        // Only when the queue answered: an unreachable one already shows as a failed check.
        let queue = try? await jobs?.stats()
        let report = HealthReport(
            status: healthy ? "ok" : "error",
            version: version,
            uptime: uptime.milliseconds / 1000,
            timestamp: Timestamp.string(clock.now()),
            checks: results,
            queue: queue
        )
        guard healthy else {
            return JSONResponse.failure(.serviceUnavailable, message: "Service unhealthy", data: report, requestId: context.requestId)
        }
        return JSONResponse.success(message: "Service healthy", data: report, context: context)
    }

    @Sendable func live(_ request: Request, context: AppRequestContext) async throws -> Response {
        JSONResponse.success(message: "Service alive", data: StatusBody(status: "ok", checks: nil), context: context)
    }

    @Sendable func ready(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard !readiness.isDraining else {
            return JSONResponse.failure(
                .serviceUnavailable, message: "Service shutting down", data: StatusBody(status: "draining", checks: nil),
                requestId: context.requestId
            )
        }
        let results = await probeAll(logger: context.logger)
        guard results.values.allSatisfy({ $0.status == "up" }) else {
            return JSONResponse.failure(
                .serviceUnavailable, message: "Service not ready", data: StatusBody(status: "not_ready", checks: results),
                requestId: context.requestId
            )
        }
        return JSONResponse.success(message: "Service ready", data: StatusBody(status: "ready", checks: results), context: context)
    }

    /// Probes every dependency at once, each bounded by `checkTimeout`; results are reused for a second, so
    /// however often probes and clients call, the dependencies see at most about one check per second.
    private func probeAll(logger: Logger) async -> [String: CheckResult] {
        if let cached = cache.fresh() { return cached }
        let results = await withTaskGroup(of: (String, CheckResult).self) { group in
            for check in checks {
                group.addTask { (check.name, await Self.probe(check, logger: logger)) }
            }
            var results: [String: CheckResult] = [:]
            for await (name, result) in group { results[name] = result }
            return results
        }
        cache.store(results)
        return results
    }

    private static func probe(_ check: any DependencyCheck, logger: Logger) async -> CheckResult {
        let start = ContinuousClock.now
        let failure: String? = await withCheckedContinuation { continuation in
            let answer = FirstAnswer(continuation)
            // Unstructured on purpose: a ping stuck in a call that ignores cancellation (a blocked driver) must
            // not hold the health answer past its timeout, and a task group would wait for it.
            let ping = Task {
                do {
                    try await check.ping()
                    answer.give(nil)
                } catch {
                    logger.warning("health check failed", metadata: ["check": "\(check.name)", "error": "\(error)"])
                    answer.give("unreachable")
                }
            }
            Task {
                try? await Task.sleep(for: checkTimeout)
                if answer.give("timed out") { ping.cancel() }
            }
        }
        let milliseconds = (ContinuousClock.now - start).milliseconds
        return CheckResult(status: failure == nil ? "up" : "down", latencyMs: (milliseconds * 100).rounded() / 100, error: failure)
    }
}

/// Resumes a continuation with the first answer given; later answers are ignored.
private final class FirstAnswer: Sendable {
    private let continuation: Mutex<CheckedContinuation<String?, Never>?>

    init(_ continuation: CheckedContinuation<String?, Never>) {
        self.continuation = Mutex(continuation)
    }

    @discardableResult
    func give(_ answer: String?) -> Bool {
        guard let continuation = continuation.withLock({ $0.take() }) else { return false }
        continuation.resume(returning: answer)
        return true
    }
}

/// The last health results and when they were taken.
final class HealthCache: Sendable {
    private let entry = Mutex<(at: ContinuousClock.Instant, results: [String: CheckResult])?>(nil)
    private let lifetime: Duration

    init(lifetime: Duration) {
        self.lifetime = lifetime
    }

    func fresh() -> [String: CheckResult]? {
        entry.withLock { entry in
            guard let entry, ContinuousClock.now - entry.at < lifetime else { return nil }
            return entry.results
        }
    }

    func store(_ results: [String: CheckResult]) {
        entry.withLock { $0 = (ContinuousClock.now, results) }
    }
}

struct CheckResult: EncodableBody {
    let status: String
    let latencyMs: Double
    let error: Omittable<String>

    init(status: String, latencyMs: Double, error: String?) {
        self.status = status
        self.latencyMs = latencyMs
        self.error = Omittable(ifPresent: error)
    }
}

struct HealthReport: EncodableBody {
    /// The failed-jobs part of the report, present when a queue is configured.
    struct QueueSummary: Encodable {
        let failed: Int
        let failedJobsAlertThreshold: Int
        let alert: Bool
    }

    let status: String
    let version: String
    /// Seconds since the process started serving.
    let uptime: Double
    let timestamp: String
    let checks: [String: CheckResult]
    let queue: Omittable<QueueSummary>

    init(status: String, version: String, uptime: Double, timestamp: String, checks: [String: CheckResult], queue: JobAdminService.Stats?) {
        self.status = status
        self.version = version
        self.uptime = uptime
        self.timestamp = timestamp
        self.checks = checks
        self.queue = Omittable(
            ifPresent: queue.map { QueueSummary(failed: $0.totals.dead, failedJobsAlertThreshold: $0.alertThreshold, alert: $0.alert) })
    }
}

struct StatusBody: EncodableBody {
    let status: String
    let checks: Omittable<[String: CheckResult]>

    init(status: String, checks: [String: CheckResult]?) {
        self.status = status
        self.checks = Omittable(ifPresent: checks)
    }
}
