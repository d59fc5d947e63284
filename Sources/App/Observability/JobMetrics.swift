import CoreMetrics
import Domain
import Telemetry

/// Jobs run, by queue and outcome (`completed`, `retried`, `buried`, `leaseLost`, `released`), with their durations.
final class JobMetrics: Sendable {
    private struct Key: Hashable {
        let queue: String
        let outcome: String
    }

    private let series: MetricFamily<Key, CountedDuration>

    init(factory: any MetricsFactory) {
        series = MetricFamily { key in
            CountedDuration(
                count: "portside_jobs_processed_total", duration: "portside_job_duration_seconds",
                dimensions: [("queue", key.queue), ("outcome", key.outcome)], factory: factory)
        }
    }

    func record(queue: String, outcome: JobRunner.Outcome, duration: Duration) {
        series[Key(queue: queue, outcome: "\(outcome)")].record(duration)
    }
}
