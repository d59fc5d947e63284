import CoreMetrics
import Metrics
import Synchronization

/// The metrics of one family, made once per label set and reused: recording is then a dictionary hit, and the
/// metrics backend is asked for each series only the first time it appears.
public final class MetricFamily<Key: Hashable & Sendable, Metric: Sendable>: Sendable {
    private let make: @Sendable (Key) -> Metric
    private let made = Mutex<[Key: Metric]>([:])

    /// `make` builds the series of a key the first time it is asked for.
    public init(_ make: @escaping @Sendable (Key) -> Metric) {
        self.make = make
    }

    public subscript(_ key: Key) -> Metric {
        made.withLock { made in
            if let metric = made[key] { return metric }
            let metric = make(key)
            made[key] = metric
            return metric
        }
    }
}

/// What one operation records (a request, a job): a counter and a duration histogram with the same labels.
public struct CountedDuration: Sendable {
    private let count: Counter
    private let duration: Timer

    public init(count: String, duration: String, dimensions: [(String, String)], factory: any MetricsFactory) {
        self.count = Counter(label: count, dimensions: dimensions, factory: factory)
        self.duration = Timer(label: duration, dimensions: dimensions, factory: factory)
    }

    public func record(_ elapsed: Duration) {
        count.increment()
        duration.record(duration: elapsed)
    }
}
