import Tracing

/// The trace context as string headers (W3C `traceparent`, `tracestate`), so it can travel where a task-local cannot:
/// into an outbox row, a job in Redis, a worker on another host. Without a tracer configured the headers are empty
/// and the carriers cost one task-local read.
public enum TraceHeaders {
    /// The headers of the current span, or empty when no span is active or no tracer is configured.
    public static func current() -> [String: String] {
        guard let context = ServiceContext.current else { return [:] }
        var headers: [String: String] = [:]
        InstrumentationSystem.instrument.inject(context, into: &headers, using: DictionaryInjector())
        return headers
    }

    /// `headers` when they name a trace already, else the current span's: what a job stored from a traced operation
    /// carries.
    public static func orCurrent(_ headers: [String: String]) -> [String: String] {
        headers.isEmpty ? current() : headers
    }

    /// A context whose parent is the span `headers` name (the top level when they name none).
    public static func context(from headers: [String: String]) -> ServiceContext {
        var context = ServiceContext.topLevel
        guard !headers.isEmpty else { return context }
        InstrumentationSystem.instrument.extract(headers, into: &context, using: DictionaryExtractor())
        return context
    }

    /// The trace id and parent span id of a `traceparent` value (`00-<32 hex>-<16 hex>-<2 hex>`), nil when it is not
    /// one: an all-zero id is invalid, as are upper-case hex and any other version-00 shape; a later version may append
    /// fields, which are ignored.
    public static func parse(traceparent value: String) -> (traceID: Substring, spanID: Substring)? {
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[0].count == 2, parts[1].count == 32, parts[2].count == 16, parts[3].count == 2,
            parts[0] != "ff", parts.prefix(4).allSatisfy({ $0.utf8.allSatisfy(isLowerHex) }),
            parts[1].utf8.contains(where: { $0 != 0x30 }), parts[2].utf8.contains(where: { $0 != 0x30 })
        else { return nil }
        if parts[0] == "00" && parts.count != 4 { return nil }
        return (parts[1], parts[2])
    }

    private static func isLowerHex(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66)
    }
}

struct DictionaryInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
        carrier[key] = value
    }
}

struct DictionaryExtractor: Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? {
        carrier[key]
    }
}
