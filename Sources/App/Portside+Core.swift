import Domain
import HTTPAdapter
import Logging
import ServiceLifecycle
import SystemAdapters

extension Portside {
    /// What `portside serve` and `portside worker` share, opened in this order: observability (it installs the
    /// tracer, so a failure there leaves nothing open), persistence with its schema prepared, the shared state
    /// (queue, rate limits, cache), object storage, then identity (hasher, tokens, mailer, outbox relay, scheduler). Each process
    /// adds its own tail to `services`.
    struct Core {
        let observability: Observability
        let persistence: Persistence
        let shared: SharedState
        let identity: Identity
        let storage: Storage
        let clock: SystemClock
        let ids: UUIDv7Generator

        static func open(_ configuration: Configuration, logger: Logger) async throws -> Core {
            let observability = try Observability(configuration, logger: logger)
            let persistence = try await openPersistence(configuration, logger: logger)
            let clock = SystemClock()
            let ids = UUIDv7Generator(clock: clock)
            do {
                try await persistence.prepareSchema()
                let shared = try openSharedState(configuration, logger: logger)
                let storage = try openStorage(configuration, logger: logger)
                let identity = try await makeIdentity(
                    configuration, persistence: persistence, clock: clock, ids: ids, rateLimits: shared.rateLimits, jobs: shared.jobs,
                    logger: logger)
                observe(observability, persistence: persistence, shared: shared, identity: identity, clock: clock)
                return Core(
                    observability: observability, persistence: persistence, shared: shared, identity: identity, storage: storage, clock: clock,
                    ids: ids)
            } catch {
                await persistence.close()
                throw error
            }
        }

        /// The services of both processes in start order, followed by `tail`. A service group stops them in reverse,
        /// so this order is the shutdown order read backwards: the process's own tail first (the HTTP server after
        /// readiness has turned 503, or the worker's metrics server then its jobs), then the alert monitor, the
        /// scheduler and the outbox relay, then the password hasher, Redis, the database, and last the exporter,
        /// which flushes the spans of the shutdown itself.
        func serviceGroup(
            _ configuration: Configuration, requests: RequestMetrics?, tail: [ServiceGroupConfiguration.ServiceConfiguration], logger: Logger
        ) -> ServiceGroup {
            var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
            if let exporter = observability.exporter { services.append(.init(service: exporter)) }
            if let database = persistence.service { services.append(.init(service: database)) }
            if let redis = shared.service { services.append(.init(service: redis)) }
            if let reader = shared.eventReader { services.append(.init(service: reader)) }
            let hasher = identity.hasher
            services.append(.init(service: PasswordHasherService(shutdown: { await hasher.shutdown() })))
            services.append(.init(service: OutboxRelayService(relay: identity.relay(events: shared.events), logger: logger)))
            services.append(.init(service: identity.scheduler(configuration, logger: logger)))
            services.append(.init(service: AlertMonitor.make(configuration, queue: shared.jobs, requests: requests, clock: clock, logger: logger)))
            var group = ServiceGroupConfiguration(services: services + tail, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            group.maximumGracefulShutdownDuration = configuration.shutdownTimeout
            group.maximumCancellationDuration = .seconds(5)
            return ServiceGroup(configuration: group)
        }

        /// The job worker on the configured queue.
        func worker(_ configuration: Configuration, logger: Logger) -> ServiceGroupConfiguration.ServiceConfiguration {
            .init(
                service: identity.worker(
                    configuration, events: shared.events, metrics: observability.jobMetrics,
                    objects: objectJobs(configuration, persistence: persistence, storage: storage), logger: logger))
        }
    }
}
