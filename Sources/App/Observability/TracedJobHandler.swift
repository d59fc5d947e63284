import Domain
import Foundation
import Telemetry
import Tracing

/// Runs each job in a span that continues the trace of the request that asked for it, so one trace shows the request,
/// its database calls, and the job a worker ran later, on whichever host.
struct TracedJobHandler: JobHandler {
    let inner: any JobHandler

    var kinds: Set<String> { inner.kinds }

    func run(_ job: Job) async throws {
        guard Traces.isEnabled else { return try await inner.run(job) }
        try await withSpan("job \(job.kind)", context: TraceHeaders.context(from: job.traceContext), ofKind: .consumer) { span in
            span.attributes["messaging.destination.name"] = job.queue
            span.attributes["messaging.message.id"] = job.id.uuidString.lowercased()
            span.attributes["portside.job.attempt"] = job.attempts
            try await inner.run(job)
        }
    }
}
