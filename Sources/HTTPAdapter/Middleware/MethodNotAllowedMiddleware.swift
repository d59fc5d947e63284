import HTTPTypes
import Hummingbird
import Synchronization

/// The methods each documented path template accepts, filled once the routes are registered.
final class AllowedMethods: Sendable {
    private let table = Mutex<[(segments: [Substring], methods: [String])]>([])

    func set(_ entries: [RouteCatalog.Entry]) {
        let grouped = Dictionary(grouping: entries, by: \.path)
        table.withLock { table in
            table = grouped.map { path, entries in (path.split(separator: "/"), entries.map(\.method).sorted()) }
        }
    }

    /// The methods of every template `path` matches (`{name}` matches any one segment, so `/users/me` also matches
    /// `/users/{id}`, as the router would route it); empty when none does.
    func methods(for path: String) -> [String] {
        let segments = path.split(separator: "/")
        return table.withLock { table in
            let matching = table.filter { template in
                template.segments.count == segments.count
                    && zip(template.segments, segments).allSatisfy { pattern, segment in pattern.hasPrefix("{") || pattern == segment }
            }
            return Set(matching.flatMap(\.methods)).sorted()
        }
    }
}

/// A request for a path the API has, with a method it does not take, is answered 405 with `Allow` listing the
/// methods it does take, rather than 404 as if the path did not exist.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    let allowed: AllowedMethods

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let methods = allowed.methods(for: request.uri.path)
            guard !methods.isEmpty, !methods.contains(request.method.rawValue) else { throw error }
            throw HTTPProblem(status: .methodNotAllowed, message: "Method not allowed", headers: [.allow: methods.joined(separator: ", ")])
        }
    }
}
