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

    init(runner: JobRunner, queues: [String], concurrency: Int, lease: TimeInterval = 60, idleDelay: Duration = .milliseconds(200), logger: Logger) {
        self.runner = runner
        self.queues = queues
        self.concurrency = concurrency
        self.lease = lease
        self.idleDelay = idleDelay
        self.logger = logger
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
                    guard let outcome = try await runner.runNext(from: queue, lease: lease) else { continue }
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

/// Keeps the password hasher's threads for the life of the process and stops them on shutdown, after the HTTP
/// server has drained.
struct PasswordHasherService: Service {
    let shutdown: @Sendable () async -> Void

    func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }
}
