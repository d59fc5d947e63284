/// A dependency the service needs (database, queue, ...) that health checks can probe.
public protocol DependencyCheck: Sendable {
    /// The name shown in health reports, such as `database`.
    var name: String { get }
    /// Returns when the dependency answers; throws when it does not.
    func ping() async throws
}
