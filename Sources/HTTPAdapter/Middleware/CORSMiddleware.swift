import HTTPTypes
import Hummingbird

/// Which browser origins may call the API (`CORS_ORIGINS`).
struct CORSPolicy: Sendable {
    let allowedOrigins: Set<String>
    /// `*` in `CORS_ORIGINS` (refused in production): any origin is echoed back.
    let allowsAnyOrigin: Bool

    init(origins: [String]) {
        allowsAnyOrigin = origins.contains("*")
        allowedOrigins = Set(origins.filter { $0 != "*" })
    }

    /// An `Origin` sent twice arrives joined by a comma: it names no one origin, so it is never echoed back.
    func allows(_ origin: String) -> Bool {
        allowedOrigins.contains(origin) || (allowsAnyOrigin && !origin.contains(",") && !origin.isEmpty)
    }
}

/// Turns every error thrown by the inner layers and the routes into the error envelope, in one place, and adds the
/// CORS headers, with credentials, to every answer to an allowed origin (errors included, so browsers can read them).
/// Requests from other origins get none, so the browser withholds the answer. One layer for both: every request passes
/// through it.
struct CORSMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let policy: CORSPolicy

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = ErrorMapping.response(for: error, requestId: context.requestId, logger: context.logger)
        }
        guard let origin = request.headers[.origin] else { return response }
        if policy.allows(origin) {
            response.headers[.accessControlAllowOrigin] = origin
            response.headers[.accessControlAllowCredentials] = "true"
            response.headers[.accessControlExposeHeaders] = "X-Request-Id, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After"
        }
        response.headers[.vary] = "Origin"
        return response
    }
}

/// Answers CORS preflight requests. It sits behind the rate limit, so preflights count like any other request;
/// a preflight from an origin that is not allowed is refused with 403.
struct PreflightMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let policy: CORSPolicy

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .options, request.headers[.accessControlRequestMethod] != nil, let origin = request.headers[.origin] else {
            return try await next(request, context)
        }
        guard policy.allows(origin) else { throw HTTPProblem(status: .forbidden, message: "Origin not allowed") }
        var response = Response(status: .noContent)
        response.headers[.accessControlAllowMethods] = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
        response.headers[.accessControlAllowHeaders] = "Authorization, Content-Type, X-Request-Id"
        response.headers[.accessControlMaxAge] = "600"
        return response
    }
}
