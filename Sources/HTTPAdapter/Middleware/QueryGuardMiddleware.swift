import Domain
import HTTPTypes
import Hummingbird
import Logging

/// HTTP parameter pollution guard: every query parameter Portside reads is a scalar, so a repeated one is rejected
/// with 400 (everywhere, the same way) rather than letting different layers pick different copies.
struct QueryGuardMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.query = try Self.parse(request.uri.query)
        return try await next(request, context)
    }

    /// Decodes `a=1&b=two+words` (form encoding: `+` is a space); throws on a repeated name or bad escape.
    static func parse(_ query: String?) throws -> [String: String] {
        guard let query, !query.isEmpty else { return [:] }
        var parameters: [String: String] = [:]
        var repeated: [String] = []
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]), let value = decode(parts.count > 1 ? parts[1] : "") else {
                throw HTTPProblem(status: .badRequest, message: "Query string is not correctly percent-encoded")
            }
            if parameters[name] != nil {
                if !repeated.contains(name) { repeated.append(name) }
            } else {
                parameters[name] = value
            }
        }
        guard repeated.isEmpty else {
            throw HTTPProblem(
                status: .badRequest,
                message: "Query parameters must not be repeated",
                errors: repeated.map { FieldError(field: $0, message: "\($0) must appear at most once") }
            )
        }
        return parameters
    }

    private static func decode(_ component: Substring) -> String? {
        QueryEncoding.decode(component)
    }
}
