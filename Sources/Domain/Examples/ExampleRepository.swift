import Foundation

/// Stores examples. Deleted examples are kept (soft delete) but no method returns them. Name and description are
/// searchable in full text (`SearchIndex`): matches in the name rank above matches in the description.
public protocol ExampleRepository: SearchIndex where Item == Example {
    /// Stores a new example.
    func insert(_ example: Example) async throws
    /// Returns the live example with this id, or nil when it does not exist or was deleted.
    func find(id: UUID) async throws -> Example?
    /// Returns one page of live examples, newest first; `search` keeps those whose name or description contains it,
    /// ignoring ASCII case.
    func list(search: String?, page: PageRequest) async throws -> Page<Example>
    /// Saves the name, description and update time of a live example; returns false when there is none.
    func update(_ example: Example) async throws -> Bool
    /// Marks a live example deleted; returns false when there is none.
    func softDelete(id: UUID, at: Date) async throws -> Bool
}
