import Logging
import Tracing

extension TraceHeaders {
    /// Adds `traceId` and `spanId` to every log line written inside a span, whichever tracer is configured: the ids
    /// are read back from the `traceparent` the tracer would send. Nothing is added outside spans or without a tracer.
    public static let logMetadataProvider = Logger.MetadataProvider {
        guard let traceparent = current()["traceparent"], let ids = parse(traceparent: traceparent) else { return [:] }
        return ["traceId": .string(String(ids.traceID)), "spanId": .string(String(ids.spanID))]
    }
}
