import HTTPTypes
import Hummingbird
import Logging

/// Turns every error thrown by the inner layers and the routes into the error envelope, in one place, so the
/// outer layers (CORS, security headers, request id) still decorate the answer.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return ErrorMapping.response(for: error, requestId: context.requestId, logger: context.logger)
        }
    }
}
