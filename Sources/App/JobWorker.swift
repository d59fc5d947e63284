import Domain
import Foundation
import Logging
import ServiceLifecycle

/// Runs background jobs: `concurrency` loops, each reserving the next due job of its queues and running it. On
/// graceful shutdown the loops stop reserving and let the job in hand finish; jobs not yet reserved stay queued.
final class JobWorker: Service {
    private let runner: JobRunner
    private let queues: [String]
    private let concurrency: Int
    private let lease: TimeInterval
    private let idleDelay: Duration
    private let logger: Logger
    private let metrics: JobMetrics?

    init(
        runner: JobRunner, queues: [String], concurrency: Int, lease: TimeInterval = 60, idleDelay: Duration = .milliseconds(200),
        metrics: JobMetrics? = nil, logger: Logger
    ) {
        self.runner = runner
        self.queues = queues
        self.concurrency = concurrency
        self.lease = lease
        self.idleDelay = idleDelay
        self.logger = logger
        self.metrics = metrics
    }

    func run() async throws {
        logger.info("job worker started", metadata: ["queues": "\(queues.joined(separator: ","))", "concurrency": "\(concurrency)"])
        await withDiscardingTaskGroup { group in
            for _ in 0..<concurrency {
                group.addTask { await self.loop() }
            }
        }
        logger.info("job worker stopped")
    }

    private func loop() async {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            var ranOne = false
            for queue in queues {
                do {
                    let start = ContinuousClock.now
                    guard let outcome = try await runner.runNext(from: queue, lease: lease) else { continue }
                    metrics?.record(queue: queue, outcome: outcome, duration: .now - start)
                    ranOne = true
                    if outcome != .completed { logger.warning("job not completed", metadata: ["queue": "\(queue)", "outcome": "\(outcome)"]) }
                } catch {
                    logger.error("job queue failed", metadata: ["queue": "\(queue)", "error": "\(error)"])
                }
            }
            if !ranOne {
                // Sleep until work may be due, but wake at once for shutdown.
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.idleDelay) }
            }
        }
    }
}

/// Relays the outbox to the job queue in every `serve` and `worker` process: a batch at a time while there is work,
/// then every `idleDelay`. While the queue cannot be reached (Redis down) the requests wait in the outbox and the
/// relay retries every `retryDelay`, logging the outage once per minute; they are queued as soon as it answers. On
/// graceful shutdown it finishes the batch in hand.
final class OutboxRelayService: Service {
    private let relay: OutboxRelay
    private let idleDelay: Duration
    private let retryDelay: Duration
    private let logger: Logger

    init(relay: OutboxRelay, idleDelay: Duration = .milliseconds(200), retryDelay: Duration = .seconds(1), logger: Logger) {
        self.relay = relay
        self.idleDelay = idleDelay
        self.retryDelay = retryDelay
        self.logger = logger
    }

    func run() async throws {
        var lastWarning: ContinuousClock.Instant?
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let pause: Duration
            do {
                let batch = 100
                pause = try await relay.relayBatch(limit: batch) < batch ? idleDelay : .zero
            } catch {
                let now = ContinuousClock.now
                if lastWarning.map({ now - $0 >= .seconds(60) }) ?? true {
                    logger.warning("outbox not relayed yet: the job queue is unavailable; retrying", metadata: ["error": "\(error)"])
                    lastWarning = now
                }
                pause = retryDelay
            }
            if pause > .zero { try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) } }
        }
    }
}

/// Asks for the maintenance jobs every `tick`: each is one job per interval, with an id every instance derives
/// alike, so the queue keeps one however many instances ask. While the queue cannot be reached it skips the tick.
final class MaintenanceSchedulerService: Service {
    private let schedule: MaintenanceSchedule
    private let queue: any JobQueue
    private let clock: any WallClock
    private let tick: Duration
    private let logger: Logger

    init(schedule: MaintenanceSchedule, queue: any JobQueue, clock: any WallClock, tick: Duration = .seconds(60), logger: Logger) {
        self.schedule = schedule
        self.queue = queue
        self.clock = clock
        self.tick = tick
        self.logger = logger
    }

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let now = clock.now()
            do {
                for request in schedule.requests(now: now) { try await queue.enqueue(request, now: now) }
            } catch {
                logger.warning("maintenance not scheduled this time: the job queue is unavailable", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.tick) }
        }
    }
}

/// Keeps the password hasher's threads for the life of the process and stops them on shutdown, after the HTTP
/// server has drained.
struct PasswordHasherService: Service {
    let shutdown: @Sendable () async -> Void

    func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }
}

/// Runs a service the process can do without (the worker's metrics listener): if it fails, the failure is logged and
/// the process goes on until it is told to stop.
struct NonEssentialService: Service {
    let name: String
    let service: any Service
    let logger: Logger

    func run() async throws {
        do {
            try await service.run()
        } catch {
            guard !Task.isCancelled, !Task.isShuttingDownGracefully else { return }
            logger.error("\(name) stopped; the process goes on without it", metadata: ["error": "\(error)"])
            try? await gracefulShutdown()
        }
    }
}

/// Keeps the example cache in step with changes made on any instance (see `ExampleCacheInvalidation`), until shutdown.
struct ExampleCacheInvalidationService: Service {
    let invalidation: ExampleCacheInvalidation

    func run() async throws {
        await cancelWhenGracefulShutdown { await invalidation.run() }
    }
}
