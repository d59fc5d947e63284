import Domain
import Foundation
import HTTPTypes
import Hummingbird

/// The tighter limit on the authentication routes: `AUTH_RATE_LIMIT_MAX` per client address, per route, per
/// `RATE_LIMIT_WINDOW`, counted apart from the global limit, answered with 429 and `Retry-After`.
struct AuthRateLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let store: any RateLimitStore
    let clock: any WallClock
    let limit: Int
    let window: TimeInterval
    let paths: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .post else { return try await next(request, context) }
        let path = Self.routePath(request.uri.path)
        guard paths.contains(path) else { return try await next(request, context) }
        let now = clock.now()
        let decision: RateLimitDecision
        do {
            decision = try await store.hit(key: "auth:\(path):\(context.clientAddress)", limit: limit, window: window, now: now)
        } catch {
            context.logger.warning("rate limit store failed; request allowed", metadata: ["error": "\(error)"])
            return try await next(request, context)
        }
        guard decision.allowed else {
            let seconds = max(1, Int(decision.resetAt.timeIntervalSince(now).rounded(.up)))
            throw HTTPProblem(
                status: .tooManyRequests, message: "Too many attempts, please try again later", headers: [.retryAfter: String(seconds)]
            )
        }
        return try await next(request, context)
    }

    /// The path as the router matches it: empty segments (a trailing or doubled slash) dropped and each segment
    /// percent-decoded, so `/api/v1/auth/login/` and `/api//v1/auth/log%69n` count against the login limit too.
    static func routePath(_ raw: String) -> String {
        let segments = raw.split(separator: "/", omittingEmptySubsequences: true).map { segment in
            segment.contains("%") ? (String(segment).removingPercentEncoding ?? String(segment)) : String(segment)
        }
        return "/" + segments.joined(separator: "/")
    }
}
