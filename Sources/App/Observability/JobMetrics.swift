import CoreMetrics
import Domain
import Foundation
import Metrics
import Synchronization
import Telemetry
import Tracing

/// Jobs run, by queue and outcome (`completed`, `retried`, `buried`, `leaseLost`, `released`), with their durations.
final class JobMetrics: Sendable {
    private let factory: any MetricsFactory
    private let series = Mutex<[String: (CoreMetrics.Counter, CoreMetrics.Timer)]>([:])

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    func record(queue: String, outcome: JobRunner.Outcome, duration: Duration) {
        let outcomeName = "\(outcome)"
        let (count, timer) = series.withLock { all in
            let key = queue + "\u{0}" + outcomeName
            if let known = all[key] { return known }
            let dimensions = [("queue", queue), ("outcome", outcomeName)]
            let made = (
                CoreMetrics.Counter(label: "portside_jobs_processed_total", dimensions: dimensions, factory: factory),
                CoreMetrics.Timer(label: "portside_job_duration_seconds", dimensions: dimensions, factory: factory)
            )
            all[key] = made
            return made
        }
        count.increment()
        timer.record(duration: duration)
    }
}

/// Runs each job in a span that continues the trace of the request that asked for it, so one trace shows the request,
/// its database calls, and the job a worker ran later, on whichever host.
struct TracedJobHandler: JobHandler {
    let inner: any JobHandler

    var kinds: Set<String> { inner.kinds }

    func run(_ job: Job) async throws {
        guard Traces.isEnabled else { return try await inner.run(job) }
        try await withSpan("job \(job.kind)", context: TraceHeaders.context(from: job.traceContext), ofKind: .consumer) { span in
            span.attributes["messaging.destination.name"] = job.queue
            span.attributes["messaging.message.id"] = job.id.uuidString.lowercased()
            span.attributes["portside.job.attempt"] = job.attempts
            try await inner.run(job)
        }
    }
}
