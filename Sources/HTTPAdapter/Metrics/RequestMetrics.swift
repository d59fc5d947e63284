import CoreMetrics
import HTTPTypes
import Synchronization
import Telemetry

/// Request counts, latencies and in-flight requests, labelled by method, route template and status only, so the
/// number of series stays bounded whatever clients send: a method outside the standard ones counts as `OTHER`, a path
/// no route matches as `NotFound`, and raw paths, ids and users never become labels.
///
/// It also counts answers and 5xx answers since start, which the error-rate alert reads, leaving out health probes
/// and scrapes (their steady stream would dilute the rate and fill its minimum volume); those totals are kept even
/// when the series are not (`METRICS_ENABLED=false`).
public final class RequestMetrics: Sendable {
    private let recordsSeries: Bool
    private let inFlight: Meter
    private let series: MetricFamily<SeriesKey, CountedDuration>
    private let answered = Atomic<Int>(0)
    private let serverErrors = Atomic<Int>(0)

    public init(factory: any MetricsFactory, recordsSeries: Bool = true) {
        self.recordsSeries = recordsSeries
        self.inFlight = Meter(label: "portside_http_requests_in_flight", factory: factory)
        self.series = MetricFamily { key in
            CountedDuration(
                count: "portside_http_requests_total", duration: "portside_http_request_duration_seconds",
                dimensions: [("method", key.method), ("route", key.route), ("status", String(key.status))], factory: factory)
        }
    }

    /// Answers and 5xx answers since the process started.
    public var totals: (answered: Int, serverErrors: Int) {
        (answered.load(ordering: .relaxed), serverErrors.load(ordering: .relaxed))
    }

    func started() {
        if recordsSeries { inFlight.increment() }
    }

    func finished(method: HTTPRequest.Method, route: String?, status: HTTPResponse.Status, elapsed: Duration) {
        if !Self.isOperational(route) {
            answered.add(1, ordering: .relaxed)
            if status.code >= 500 { serverErrors.add(1, ordering: .relaxed) }
        }
        guard recordsSeries else { return }
        inFlight.decrement()
        series[SeriesKey(method: Self.methodLabel(method), route: route ?? "NotFound", status: status.code)].record(elapsed)
    }

    /// Health probes and metric scrapes: operators' traffic, not clients'.
    static func isOperational(_ route: String?) -> Bool {
        guard let route else { return false }
        return route.hasPrefix("/api/v1/health") || route == "/metrics"
    }

    /// The label of `method`: itself when standard, `OTHER` otherwise.
    public static func methodLabel(_ method: HTTPRequest.Method) -> String {
        switch method {
        case .get, .head, .post, .put, .patch, .delete, .options: method.rawValue
        default: "OTHER"
        }
    }

    private struct SeriesKey: Hashable {
        let method: String
        let route: String
        let status: Int
    }

}
