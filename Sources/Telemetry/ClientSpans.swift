import Synchronization
import Tracing

/// Whether a tracer is configured (`OTEL_EXPORTER_OTLP_ENDPOINT`). Off, the span helpers call straight through, so
/// untraced processes pay one atomic load per call.
public enum Traces {
    private static let enabled = Atomic<Bool>(false)

    public static var isEnabled: Bool { enabled.load(ordering: .relaxed) }

    /// Called once, after the process's tracer is bootstrapped.
    public static func enable() {
        enabled.store(true, ordering: .relaxed)
    }

    /// Runs `body` in a client span named `name` (a database statement, a Redis command) under the current span, with
    /// `system` as its `db.system` attribute; the statement's text stays out of the span, as its parameters might not.
    /// Outside any span it makes none.
    public static func clientSpan<T>(
        _ name: String, system: String, isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T
    ) async throws -> T {
        // Only inside a traced operation: the pollers' statements and commands (the worker asking for jobs, the outbox
        // relay) would otherwise each start a trace of their own, many a second.
        guard isEnabled, ServiceContext.current != nil else { return try await body() }
        return try await withSpan(name, ofKind: .client, isolation: isolation) { span in
            span.attributes["db.system"] = system
            return try await body()
        }
    }
}
