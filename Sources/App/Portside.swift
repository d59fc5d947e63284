import Domain
import Foundation
import HTTPAdapter
import Logging
import MemoryAdapters
import PostgresAdapter
import RedisAdapter
import SQLiteAdapter
import ServiceLifecycle
import SystemAdapters

/// The composition root: picks the adapters the configuration names and wires them into services.
public enum Portside {
    /// The version of this build, shown by `/health` and `portside --version`.
    public static let version = "0.1.0"

    /// The OpenAPI document the HTTP adapter serves.
    public static var openAPIDocument: String? { HTTPApplication.openAPIDocument }

    /// The persistence adapters for the configured `DATABASE_URL`: what every process and command opens.
    struct Persistence {
        /// Every repository, each call on its own.
        let repositories: Repositories
        let unitOfWork: any UnitOfWork
        let check: any DependencyCheck
        /// The database as a service, closed last on shutdown (nil for memory).
        let service: (any Service)?
        /// Migrates (development) or checks that nothing is pending (production); see `prepareSchema`.
        let prepareSchema: @Sendable () async throws -> Void
        /// The PostgreSQL pool's use, for metrics (nil for other databases).
        var poolUsage: PostgresPoolUsage? = nil
        let close: @Sendable () async -> Void
    }

    /// The job queue and the rate limits: in Redis when `REDIS_URL` is set, shared by every instance and surviving
    /// restarts; in this process otherwise.
    struct SharedState {
        let jobs: any JobQueue
        let rateLimits: any RateLimitStore
        /// The cache modules may use; shared through Redis like the queue.
        let cache: any Cache
        /// Domain events for every instance (a Redis stream), or for this process alone (memory).
        let events: any EventBus
        /// The Redis stream's reader, run after the client starts and stopped before it (nil in memory).
        let eventReader: (any Service)?
        /// Redis, for health and readiness (nil in memory).
        let check: (any DependencyCheck)?
        /// The Redis client as a service, closed after everything that uses it (nil in memory).
        let service: (any Service)?
    }

    static func openSharedState(_ configuration: Configuration, logger: Logger) throws -> SharedState {
        guard let target = configuration.redis else {
            return SharedState(
                jobs: MemoryJobQueue(), rateLimits: RateLimitMemoryStore(), cache: CacheMemoryStore(),
                events: EventMemoryBus(retention: configuration.eventsRetention), eventReader: nil, check: nil, service: nil)
        }
        let client = RedisClient(
            url: try RedisURL(target.url.value), poolSize: configuration.redisPoolSize, connectTimeout: configuration.redisTimeout,
            commandTimeout: configuration.redisTimeout, logger: logger
        )
        let events = RedisEventBus(client: client, prefix: configuration.redisKeyPrefix, retention: configuration.eventsRetention, logger: logger)
        return SharedState(
            jobs: RedisJobQueue(client: client, prefix: configuration.redisKeyPrefix),
            rateLimits: ResilientRateLimitStore(shared: RedisRateLimitStore(client: client, prefix: configuration.redisKeyPrefix), logger: logger),
            cache: RedisCache(client: client, prefix: configuration.redisKeyPrefix),
            events: events, eventReader: events, check: client, service: client)
    }

    static func openPersistence(_ configuration: Configuration, logger: Logger) async throws -> Persistence {
        switch configuration.database {
        case .memory:
            let database = MemoryDatabase()
            return Persistence(
                repositories: database.repositories, unitOfWork: database, check: database, service: nil, prepareSchema: {}, close: {})
        case .postgres(let target):
            let database = PostgresDatabase(
                url: try PostgresURL(target.url.value), poolSize: configuration.databasePoolSize,
                connectTimeout: configuration.databaseConnectTimeout, queryTimeout: configuration.databaseQueryTimeout, logger: logger
            )
            return Persistence(
                repositories: database.repositories, unitOfWork: database, check: database, service: database,
                prepareSchema: { try await prepareSchema(configuration, postgres: target, logger: logger) }, poolUsage: database.usage,
                close: {})
        case .sqlite(let path):
            let database = try await SQLiteDatabase.open(path: path, logger: logger)
            return Persistence(
                repositories: database.repositories, unitOfWork: database, check: database, service: database,
                prepareSchema: { try await prepareSchema(configuration, database: database, logger: logger) },
                close: { await database.close() })
        }
    }

    /// The long-running process behind `portside worker`: the job handlers on the shared (Redis) queue, with
    /// `WORKER_CONCURRENCY` jobs at a time, beside any number of `portside serve` processes. On SIGTERM it stops
    /// reserving and lets the jobs in hand finish within `SHUTDOWN_TIMEOUT`.
    public static func makeWorker(
        configuration: Configuration, logger: Logger, onMetricsServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws -> ServiceGroup {
        guard configuration.redis != nil else { throw WorkerNeedsRedis() }
        let core = try await Core.open(configuration, logger: logger)
        var tail = [core.worker(configuration, logger: logger)]
        // Last started, first stopped: the scraper and the liveness probe see the worker until it drains. A port already
        // taken (a second worker on one host) costs the metrics, not the worker.
        if configuration.metricsEnabled {
            let server = HTTPApplication.buildMetricsServer(
                host: configuration.host, port: configuration.workerMetricsPort, endpoint: core.observability.endpoint(configuration),
                logger: logger, onServerRunning: onMetricsServerRunning)
            tail.append(.init(service: NonEssentialService(name: "worker metrics server", service: server, logger: logger)))
        }
        logger.info(
            "portside worker starting",
            metadata: [
                "version": "\(version)", "environment": "\(configuration.environment.rawValue)",
                "database": "\(configuration.databaseDescription)", "concurrency": "\(configuration.workerConcurrency)",
                "metricsPort": "\(configuration.workerMetricsPort)",
            ]
        )
        return core.serviceGroup(configuration, requests: nil, tail: tail, logger: logger)
    }

    /// The long-running process behind `portside serve`: the shared core, the HTTP server and the drain signal in
    /// one service group. SIGTERM/SIGINT shut them down in reverse order: readiness turns 503, the server drains,
    /// then the core closes (see `Core.serviceGroup`), all within `SHUTDOWN_TIMEOUT`.
    public static func makeServer(
        configuration: Configuration,
        logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws -> ServiceGroup {
        let core = try await Core.open(configuration, logger: logger)
        let (persistence, shared, identity, observability) = (core.persistence, core.shared, core.identity, core.observability)
        let readiness = Readiness()
        let exampleCache =
            configuration.examplesCacheTTL > .zero
            ? ExampleCache(
                cache: configuration.examplesCacheStore == .redis ? shared.cache : CacheMemoryStore(maximumEntries: 10_000), ids: core.ids,
                timeToLive: configuration.examplesCacheTTL / .seconds(1)) : nil
        if let exampleCache { observability.sampleCache("examples", exampleCache) }
        let uploads = uploadServices(configuration, core: core)
        let dependencies = HTTPDependencies(
            examples: ExampleService(
                repository: persistence.repositories.examples,
                unitOfWork: persistence.unitOfWork,
                clock: core.clock,
                ids: core.ids,
                requireVerifiedEmail: configuration.requireEmailVerification,
                cache: exampleCache
            ),
            auth: AuthService(identity.dependencies),
            users: UserService(identity.dependencies),
            jobs: JobAdminService(
                dependencies: identity.dependencies, retention: configuration.failedJobRetention / .seconds(1),
                alertThreshold: configuration.failedJobsAlertThreshold),
            rateLimitStore: shared.rateLimits,
            clock: core.clock,
            checks: [persistence.check] + (shared.check.map { [$0] } ?? []) + (core.storage.check.map { [$0] } ?? []),
            readiness: readiness,
            requestMetrics: observability.requestMetrics,
            metricsEndpoint: configuration.metricsEnabled ? observability.endpoint(configuration) : nil,
            storage: core.storage.objects,
            events: EventStreams(
                bus: shared.events,
                settings: EventStreamSettings(
                    heartbeat: configuration.eventsHeartbeat, maximumDuration: configuration.eventsMaxDuration,
                    maximumPerUser: configuration.eventsMaxStreamsPerUser,
                    maximumTotal: configuration.eventsMaxStreams)),
            attachments: uploads.attachments,
            avatars: uploads.avatars
        )
        var settings = httpSettings(configuration)
        settings.tracing = observability.tracing
        let http = HTTPApplication.build(settings: settings, dependencies: dependencies, logger: logger, onServerRunning: onServerRunning)
        // The in-process worker outlives the HTTP server, which drains after readiness has turned 503.
        var tail: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if configuration.workerMode == .inline { tail.append(core.worker(configuration, logger: logger)) }
        if let exampleCache {
            tail.append(
                .init(service: ExampleCacheInvalidationService(invalidation: ExampleCacheInvalidation(cache: exampleCache, bus: shared.events))))
        }
        tail.append(.init(service: http))
        tail.append(.init(service: DrainService(readiness: readiness, delay: configuration.shutdownDrainDelay, logger: logger)))
        logger.info(
            "portside starting",
            metadata: [
                "version": "\(version)", "environment": "\(configuration.environment.rawValue)",
                "address": "\(configuration.host):\(configuration.port)", "database": "\(configuration.databaseDescription)",
                "storage": "\(configuration.storageDescription)",
            ]
        )
        return core.serviceGroup(configuration, requests: observability.requestMetrics, tail: tail, logger: logger)
    }

    /// The gauges read at each scrape: queue sizes by state, the PostgreSQL pool, the password hasher's queue.
    static func observe(_ observability: Observability, persistence: Persistence, shared: SharedState, identity: Identity, clock: any WallClock) {
        observability.sampleQueues(shared.jobs, known: [AccountEmail.queue, Maintenance.queue], clock: clock)
        let hasher = identity.hasher
        observability.sampleGauge("portside_password_hash_queue_depth") { hasher.queueDepth }
        if let pool = persistence.poolUsage {
            observability.sampleGauge("portside_db_pool_connections_in_use") { pool.connectionsInUse }
            observability.sampleGauge("portside_db_pool_connections_max") { pool.size }
            observability.sampleGauge("portside_db_pool_waiting") { pool.statementsWaiting }
        }
    }

    static func httpSettings(_ configuration: Configuration) -> HTTPSettings {
        HTTPSettings(
            host: configuration.host,
            port: configuration.port,
            production: configuration.isProduction,
            bodyLimit: configuration.bodyLimit,
            corsOrigins: configuration.corsOrigins,
            trustedProxies: TrustedProxies(configuration.trustedProxies.compactMap(IPRange.init)),
            rateLimitMax: configuration.rateLimitMax,
            rateLimitWindow: configuration.rateLimitWindow / .seconds(1),
            authRateLimitMax: configuration.authRateLimitMax,
            idleTimeout: configuration.idleTimeout,
            requestTimeout: configuration.requestTimeout,
            docsEnabled: configuration.docsEnabled,
            docsAssetsURL: configuration.docsAssetsURL,
            version: version,
            passwordPolicy: identitySettings(configuration).passwordPolicy
        )
    }
}

/// `portside worker` was started without `REDIS_URL`.
public struct WorkerNeedsRedis: Error, CustomStringConvertible {
    public var description: String {
        "portside worker needs REDIS_URL: without Redis, jobs are queued inside each serve process (WORKER_MODE=inline runs them there)"
    }
}
