import CoreMetrics
import Domain
import Foundation
import HTTPAdapter
import Logging
import Metrics
import OTel
import Prometheus
import ServiceLifecycle
import Synchronization
import Telemetry
import Tracing

/// A process's metrics and traces: the Prometheus registry `/metrics` renders, the factory every metric is made with
/// (also exporting over OTLP when an endpoint is configured), the request metrics, and the exporter's service.
///
/// Gauges that describe a state (queue sizes, pool use, memory) are read when scraped, by `sample`, rather than kept
/// current on every change.
final class Observability: Sendable {
    let registry: PrometheusCollectorRegistry
    let factory: any MetricsFactory
    let requestMetrics: RequestMetrics
    let jobMetrics: JobMetrics
    private let exporters: [any Service]
    let tracing: Bool
    private let samplers = Mutex<[@Sendable () async -> Void]>([])

    /// Only one tracer can be installed per process; a second server in the same process (tests) reuses it.
    private static let tracerInstalled = Mutex(false)

    init(_ configuration: Configuration, logger: Logger) throws {
        let registry = PrometheusCollectorRegistry()
        let prometheus = PrometheusMetricsFactory(registry: registry)
        var exporters: [any Service] = []
        var factory: any MetricsFactory = prometheus
        var tracing = false
        if let endpoint = configuration.otlpEndpoint {
            var otel = OTel.Configuration.default
            otel.serviceName = configuration.otelServiceName
            otel.logs.enabled = false
            otel.diagnosticLogger = .custom(logger)
            otel.diagnosticLogLevel = .warning
            otel.traces.otlpExporter.endpoint = endpoint + "/v1/traces"
            otel.metrics.otlpExporter.endpoint = endpoint + "/v1/metrics"
            let metrics = try OTel.makeMetricsBackend(configuration: otel)
            factory = MultiplexMetricsHandler(factories: [prometheus, metrics.factory])
            exporters.append(metrics.service)
            let installed = try Self.tracerInstalled.withLock { installed -> Bool in
                guard !installed else { return false }
                let traces = try OTel.makeTracingBackend(configuration: otel)
                InstrumentationSystem.bootstrap(traces.factory)
                exporters.append(traces.service)
                installed = true
                return true
            }
            tracing = true
            if installed { Traces.enable() }
            logger.info("exporting traces and metrics over OTLP/HTTP", metadata: ["service": "\(configuration.otelServiceName)"])
        }
        self.registry = registry
        self.factory = factory
        self.requestMetrics = RequestMetrics(factory: factory, recordsSeries: configuration.metricsEnabled)
        self.jobMetrics = JobMetrics(factory: factory)
        self.exporters = exporters
        self.tracing = tracing
        addSampler(ProcessMetrics(factory: factory).sample)
    }

    /// The OTLP exporters, flushed and stopped on shutdown, with the state gauges read every 15 seconds for them,
    /// since no scrape reads them (nil without an endpoint).
    var exporter: (any Service)? {
        exporters.isEmpty ? nil : ExporterService(services: exporters, sample: { await self.sample() })
    }

    /// Takes every reading.
    func sample() async {
        for sample in samplers.withLock({ $0 }) { await sample() }
    }

    /// Adds a reading taken before each scrape.
    func addSampler(_ sample: @escaping @Sendable () async -> Void) {
        samplers.withLock { $0.append(sample) }
    }

    /// Takes every reading, then renders the registry in Prometheus text format.
    func render() async -> String {
        await sample()
        return registry.emitToString()
    }

    /// `/metrics` behind `METRICS_TOKEN`.
    func endpoint(_ configuration: Configuration) -> MetricsEndpoint {
        MetricsEndpoint(token: configuration.metricsToken?.value, render: { await self.render() })
    }

    /// Samples the job queues' sizes by state (the dead-letter queue is `state="dead"`), when the queue answers. The
    /// queue leaves out empty queues, so every queue known or seen before is reported, at zero when it is empty:
    /// a drained queue's gauges fall back to zero instead of keeping their last value.
    func sampleQueues(_ queue: any JobQueue, known: [String], clock: any WallClock) {
        let gauges = MetricFamily<[String], CoreMetrics.Gauge> { [factory] labels in
            CoreMetrics.Gauge(label: "portside_jobs", dimensions: [("queue", labels[0]), ("state", labels[1])], factory: factory)
        }
        let seen = Mutex(Set(known))
        addSampler {
            guard let counts = try? await queue.counts(now: clock.now()) else { return }
            let names = seen.withLock { seen in
                seen.formUnion(counts.keys)
                return seen
            }
            for name in names {
                let count = counts[name] ?? QueueCounts()
                gauges[[name, "waiting"]].record(count.waiting)
                gauges[[name, "delayed"]].record(count.delayed)
                gauges[[name, "active"]].record(count.active)
                gauges[[name, "dead"]].record(count.dead)
            }
        }
    }

    /// Samples a gauge from a reading that never blocks (an atomic counter).
    /// `portside_cache_lookups{cache,result}`: the lookups of `cache` answered from it (`hit`) and from the database
    /// (`miss`) since the process started.
    func sampleCache(_ name: String, _ cache: ExampleCache) {
        let hits = CoreMetrics.Gauge(label: "portside_cache_lookups", dimensions: [("cache", name), ("result", "hit")], factory: factory)
        let misses = CoreMetrics.Gauge(label: "portside_cache_lookups", dimensions: [("cache", name), ("result", "miss")], factory: factory)
        addSampler {
            let statistics = await cache.statistics
            hits.record(statistics.hits)
            misses.record(statistics.misses)
        }
    }

    func sampleGauge(_ label: String, _ read: @escaping @Sendable () -> Int) {
        let gauge = CoreMetrics.Gauge(label: label, factory: factory)
        addSampler { gauge.record(read()) }
    }
}

/// Runs the OTLP exporters' services together, and the state readings on a timer; on shutdown each exporter flushes
/// what it holds.
struct ExporterService: Service {
    let services: [any Service]
    let sample: @Sendable () async -> Void

    func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            for service in services { group.addTask { try await service.run() } }
            group.addTask {
                while !Task.isShuttingDownGracefully, !Task.isCancelled {
                    await sample()
                    try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(15)) }
                }
            }
        }
    }
}
