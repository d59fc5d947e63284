/// The repositories as seen from inside one transaction.
public struct Repositories: Sendable {
    public let examples: any ExampleRepository

    public init(examples: any ExampleRepository) {
        self.examples = examples
    }
}

/// Runs multi-step writes atomically: everything done through the given repositories commits together, or nothing
/// does when `work` throws.
public protocol UnitOfWork: Sendable {
    /// Runs `work` in one transaction and returns its result.
    func transaction<T: Sendable>(_ work: @Sendable (Repositories) async throws -> T) async throws -> T
}
