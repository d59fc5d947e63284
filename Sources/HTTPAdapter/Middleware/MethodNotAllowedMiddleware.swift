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

    /// The methods of the templates the router would take for `path`; empty when none matches. As in the router, a
    /// literal segment wins over a `{name}` one at the same place: `/users/me` is the template `/users/me` alone, never
    /// `/users/{id}`.
    func methods(for path: String) -> [String] {
        let segments = path.split(separator: "/")
        return table.withLock { table in
            var candidates = table.filter { template in
                template.segments.count == segments.count
                    && zip(template.segments, segments).allSatisfy { pattern, segment in pattern.hasPrefix("{") || pattern == segment }
            }
            for (index, segment) in segments.enumerated() where candidates.contains(where: { $0.segments[index] == segment }) {
                candidates.removeAll { $0.segments[index] != segment }
            }
            return Set(candidates.flatMap(\.methods)).sorted()
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
