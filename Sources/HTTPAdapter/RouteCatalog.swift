import HTTPTypes
import Hummingbird
import Logging

/// Registers API routes and remembers each (method, path template), so a test can prove that the routes and the
/// served OpenAPI document describe the same API.
public final class RouteCatalog {
    public struct Entry: Hashable, Sendable {
        public let method: String
        public let path: String

        public init(method: String, path: String) {
            self.method = method
            self.path = path
        }
    }

    let router: Router<AppRequestContext>
    public private(set) var entries: [Entry] = []

    init(router: Router<AppRequestContext>) {
        self.router = router
    }

    /// Adds a documented API route. `path` uses OpenAPI's `{name}` placeholders, which Hummingbird understands too.
    func on(
        _ method: HTTPRequest.Method,
        _ path: String,
        use handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Response
    ) {
        router.on(RouterPath(path), method: method, use: handler)
        entries.append(Entry(method: method.rawValue, path: path))
    }
}
