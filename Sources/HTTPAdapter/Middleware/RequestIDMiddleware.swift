import HTTPTypes
import Hummingbird
import Logging
import Telemetry

/// Outermost middleware (inside the tracing span, when tracing is on): assigns the request id, puts it on the logger,
/// echoes it in `X-Request-Id`, turns any error that escaped the inner layers into an envelope, adds the security
/// headers, writes one log line per request and records its metrics.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let metrics: RequestMetrics?
    let securityHeaders: SecurityHeadersMiddleware
    /// Without a tracer, the trace id of an incoming W3C `traceparent` still goes on every log line of the request,
    /// so logs join the caller's trace; with one, the log metadata provider adds the span's ids instead.
    let logIncomingTraceID: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let id = Self.acceptable(request.headers[.requestID]) ?? RequestIDs.shared.next()
        context.requestId = id
        context.logger[metadataKey: "requestId"] = .string(id)
        if logIncomingTraceID, let traceparent = request.headers[.traceparent], let ids = TraceHeaders.parse(traceparent: traceparent) {
            context.logger[metadataKey: "traceId"] = .string(String(ids.traceID))
        }
        metrics?.started()
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = ErrorMapping.response(for: error, requestId: id, logger: context.logger)
        }
        securityHeaders.apply(to: &response)
        response.headers[.requestID] = id
        let elapsed = ContinuousClock.now - start
        metrics?.finished(method: request.method, route: context.endpointPath, status: response.status, elapsed: elapsed)
        context.logger.info(
            "request",
            metadata: [
                "method": .string(request.method.rawValue),
                // The route template, never the raw path: ids and query strings stay out of the logs.
                "route": .string(context.endpointPath ?? "NotFound"),
                "status": .stringConvertible(response.status.code),
                "durationMs": .string(elapsed.millisecondsText),
            ]
        )
        return response
    }

    /// An incoming id is kept only when it is 1–128 characters of `[A-Za-z0-9._-]`.
    static func acceptable(_ value: String?) -> String? {
        guard let value, (1...128).contains(value.utf8.count) else { return nil }
        let valid = value.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2E || byte == 0x5F || byte == 0x2D
        }
        return valid ? value : nil
    }
}
