import HTTPTypes
import Hummingbird
import Logging

/// CORS with an allowlist of origins and credentials. Requests from other origins get no CORS headers (so the
/// browser withholds the answer); their preflights are refused with 403.
struct CORSMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let allowedOrigins: Set<String>
    /// `*` in `CORS_ORIGINS` (refused in production): any origin is echoed back.
    let allowsAnyOrigin: Bool

    init(origins: [String]) {
        allowsAnyOrigin = origins.contains("*")
        allowedOrigins = Set(origins.filter { $0 != "*" })
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin] else { return try await next(request, context) }
        let allowed = allowsAnyOrigin || allowedOrigins.contains(origin)
        let isPreflight = request.method == .options && request.headers[.accessControlRequestMethod] != nil
        if isPreflight {
            guard allowed else {
                var response = JSONResponse.failure(.forbidden, message: "Origin not allowed", requestId: context.requestId)
                response.headers[.vary] = "Origin"
                return response
            }
            var response = Response(status: .noContent)
            addHeaders(origin: origin, to: &response)
            response.headers[.accessControlAllowMethods] = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
            response.headers[.accessControlAllowHeaders] = "Authorization, Content-Type, X-Request-Id"
            response.headers[.accessControlMaxAge] = "600"
            return response
        }
        var response = try await next(request, context)
        if allowed { addHeaders(origin: origin, to: &response) }
        response.headers[.vary] = "Origin"
        return response
    }

    private func addHeaders(origin: String, to response: inout Response) {
        response.headers[.accessControlAllowOrigin] = origin
        response.headers[.accessControlAllowCredentials] = "true"
        response.headers[.accessControlExposeHeaders] = "X-Request-Id, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After"
        response.headers[.vary] = "Origin"
    }
}
