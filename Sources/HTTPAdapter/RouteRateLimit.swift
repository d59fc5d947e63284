import Domain
import Foundation
import HTTPTypes
import Hummingbird

/// A limit attached to routes where they are registered (the authentication routes' `AUTH_RATE_LIMIT_MAX` per
/// client address, per route, per `RATE_LIMIT_WINDOW`), counted apart from the global limit and answered with 429
/// and `Retry-After`. Because it travels with the route, renaming or adding a route cannot leave it unlimited.
struct RouteRateLimit: Sendable {
    let store: any RateLimitStore
    let clock: any WallClock
    let limit: Int
    let window: TimeInterval

    /// Counts one request to the route `template` from the caller's address; throws 429 beyond the limit. A store
    /// that fails lets the request through (the global limit and the sign-in throttle still stand).
    func admit(_ template: String, context: AppRequestContext) async throws {
        let now = clock.now()
        let decision: RateLimitDecision
        do {
            let client = ClientAddressPrefix.of(context.clientAddress)
            decision = try await store.hit(key: "auth:\(template):\(client)", limit: limit, window: window, now: now)
        } catch {
            context.logger.warning("rate limit store failed; request allowed", metadata: ["error": "\(error)"])
            return
        }
        guard decision.allowed else {
            let seconds = decision.retryAfterSeconds(now: now)
            throw HTTPProblem(status: .tooManyRequests, message: "Too many attempts, please try again later", headers: [.retryAfter: String(seconds)])
        }
    }
}

/// The routes of a `RouteCatalog` that each count against one `RouteRateLimit`.
struct LimitedRoutes {
    let catalog: RouteCatalog
    let limit: RouteRateLimit

    /// Adds a documented API route whose every request is counted before its handler runs.
    func on(
        _ method: HTTPRequest.Method,
        _ path: String,
        use handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Response
    ) {
        let limit = limit
        catalog.on(method, path, limited: true) { request, context in
            try await limit.admit(path, context: context)
            return try await handler(request, context)
        }
    }
}

extension RouteCatalog {
    /// A view of this catalog whose routes are limited by `limit`.
    func limited(by limit: RouteRateLimit) -> LimitedRoutes {
        LimitedRoutes(catalog: self, limit: limit)
    }
}
