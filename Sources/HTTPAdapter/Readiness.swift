import Logging
import ServiceLifecycle
import Synchronization

/// Whether the process is draining: once shutdown starts, `/health/ready` answers 503 so load balancers stop
/// sending traffic, while requests already on their way are still served.
public final class Readiness: Sendable {
    private let draining = Atomic<Bool>(false)

    public init() {}

    public var isDraining: Bool { draining.load(ordering: .relaxed) }

    public func startDraining() {
        draining.store(true, ordering: .relaxed)
    }
}

/// The first service to hear about shutdown: marks the process not ready, then waits `delay` so that load
/// balancers notice before the HTTP server stops accepting connections.
public struct DrainService: Service {
    let readiness: Readiness
    let delay: Duration
    let logger: Logger

    public init(readiness: Readiness, delay: Duration, logger: Logger) {
        self.readiness = readiness
        self.delay = delay
        self.logger = logger
    }

    public func run() async throws {
        try? await gracefulShutdown()
        readiness.startDraining()
        logger.info("shutdown started: readiness now reports 503", metadata: ["drainDelay": "\(delay)"])
        try? await Task.sleep(for: delay)
    }
}
