import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Works out the client's address once, for rate limits and logs (the peer, or the `X-Forwarded-For` hop a trusted
/// proxy vouches for), then applies the global limit per client address (`RATE_LIMIT_MAX` per `RATE_LIMIT_WINDOW`),
/// with `RateLimit-*` headers and `Retry-After` on 429. Health probes are exempt: orchestrators poll them and must
/// never be throttled.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let trustedProxies: TrustedProxies
    let store: any RateLimitStore
    let clock: any WallClock
    let limit: Int
    let window: TimeInterval

    static let exempt: Set<String> = ["/api/v1/health", "/api/v1/health/live", "/api/v1/health/ready"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.clientAddress = trustedProxies.clientAddress(peer: context.peerAddress, forwardedFor: request.headers[.xForwardedFor])
        if Self.exempt.contains(request.uri.path) { return try await next(request, context) }
        let now = clock.now()
        let decision: RateLimitDecision
        do {
            // By /64 for IPv6: one subscriber can pick any address in it.
            decision = try await store.hit(key: "global:\(ClientAddressPrefix.of(context.clientAddress))", limit: limit, window: window, now: now)
        } catch {
            // An unreachable limit store must not take the API down with it: let the request through, loudly.
            context.logger.warning("rate limit store failed; request allowed", metadata: ["error": "\(error)"])
            return try await next(request, context)
        }
        let resetSeconds = max(0, Int(decision.resetAt.timeIntervalSince(now).rounded(.up)))
        var headers: HTTPFields = [:]
        headers[.rateLimitLimit] = String(decision.limit)
        headers[.rateLimitRemaining] = String(decision.remaining)
        headers[.rateLimitReset] = String(resetSeconds)
        guard decision.allowed else {
            headers[.retryAfter] = String(max(1, resetSeconds))
            throw HTTPProblem(status: .tooManyRequests, message: "Too many requests, please try again later", headers: headers)
        }
        var response = try await next(request, context)
        response.headers.append(contentsOf: headers)
        return response
    }
}
