import HTTPTypes
import Hummingbird
import Logging

/// Adds the security headers to every response; a route that needs its own Content-Security-Policy (the docs
/// page) sets it and is left alone. The router does not run it as a layer of its own: `RequestIDMiddleware`, the
/// outermost layer, applies `apply(to:)` to every answer, those of errors that escaped the inner layers too, which
/// saves every request a trip through one more middleware.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    static let apiContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    /// Built once: appending a ready-made set is cheaper than setting each header.
    private let fixed: HTTPFields

    init(production: Bool) {
        fixed = Self.fixedFields(production: production)
    }

    /// The headers every answer carries, whatever its route (the HTTP/1 guard's own answers too).
    static func fixedFields(production: Bool) -> HTTPFields {
        var fields: HTTPFields = [
            .xContentTypeOptions: "nosniff",
            .xFrameOptions: "DENY",
            .referrerPolicy: "no-referrer",
            .crossOriginOpenerPolicy: "same-origin",
            .crossOriginResourcePolicy: "same-origin",
            .originAgentCluster: "?1",
            .xPermittedCrossDomainPolicies: "none",
            .xDNSPrefetchControl: "off",
        ]
        if production { fields[.strictTransportSecurity] = "max-age=31536000; includeSubDomains" }
        return fields
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        apply(to: &response)
        return response
    }

    /// Adds the headers to `response`, keeping a Content-Security-Policy or Cache-Control it already has.
    func apply(to response: inout Response) {
        if response.headers[.contentSecurityPolicy] == nil {
            response.headers.append(HTTPField(name: .contentSecurityPolicy, value: Self.apiContentSecurityPolicy))
        }
        if response.headers[.cacheControl] == nil {
            response.headers.append(HTTPField(name: .cacheControl, value: "no-store"))
        }
        response.headers.append(contentsOf: fixed)
    }
}
