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
    /// The routes registered with a rate limit of their own (`limited(by:)`).
    public private(set) var limitedEntries: Set<Entry> = []

    init(router: Router<AppRequestContext>) {
        self.router = router
    }

    /// Adds a documented API route. `path` uses OpenAPI's `{name}` placeholders, which Hummingbird understands too.
    func on(
        _ method: HTTPRequest.Method,
        _ path: String,
        limited: Bool = false,
        use handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Response
    ) {
        router.on(RouterPath(path), method: method, use: handler)
        let entry = Entry(method: method.rawValue, path: path)
        entries.append(entry)
        if limited { limitedEntries.insert(entry) }
    }
}
