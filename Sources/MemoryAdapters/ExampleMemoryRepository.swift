import Domain
import Foundation

/// An example as the memory adapter keeps it: deleted ones stay, marked.
struct ExampleRecord: Sendable {
    var example: Example
    var deletedAt: Date?
}

/// `ExampleRepository` kept in memory, for development without files and for fast tests.
public struct ExampleMemoryRepository: ExampleRepository {
    let access: MemoryTableAccess

    public func insert(_ example: Example) async throws {
        try await access.write { tables in
            tables.examples[example.id] = ExampleRecord(example: example, deletedAt: nil)
        }
    }

    public func find(id: UUID) async throws -> Example? {
        await access.read { tables in
            guard let record = tables.examples[id], record.deletedAt == nil else { return nil }
            return record.example
        }
    }

    public func list(search: String?, page: PageRequest) async throws -> Page<Example> {
        let matching = await access.read { tables in
            tables.examples.values.compactMap { record -> Example? in
                guard record.deletedAt == nil else { return nil }
                guard let search else { return record.example }
                let haystacks = [record.example.name, record.example.description ?? ""]
                return haystacks.contains { $0.containsIgnoringASCIICase(search) } ? record.example : nil
            }
        }
        let sorted = matching.sorted { ($0.createdAt, $0.id.uuidString) > ($1.createdAt, $1.id.uuidString) }
        let items = Array(sorted.dropFirst(page.offset).prefix(page.limit))
        return Page(items: items, total: sorted.count, request: page)
    }

    public func search(_ query: SearchQuery, page: PageRequest) async throws -> Page<SearchHit<Example>> {
        let hits = await access.read { tables in
            tables.examples.values.compactMap { record -> SearchHit<Example>? in
                guard record.deletedAt == nil else { return nil }
                let fields = record.example.searchFields
                guard let rank = query.rank(of: fields) else { return nil }
                return SearchHit(item: record.example, rank: rank, highlights: query.highlights(of: fields))
            }
        }
        let sorted = hits.sorted {
            ($0.rank, $0.item.createdAt, $0.item.id.uuidString) > ($1.rank, $1.item.createdAt, $1.item.id.uuidString)
        }
        return Page(items: Array(sorted.dropFirst(page.offset).prefix(page.limit)), total: sorted.count, request: page)
    }

    public func update(_ example: Example) async throws -> Bool {
        try await access.write { tables in
            guard var record = tables.examples[example.id], record.deletedAt == nil else { return false }
            record.example.name = example.name
            record.example.description = example.description
            record.example.updatedAt = example.updatedAt
            tables.examples[example.id] = record
            return true
        }
    }

    public func softDelete(id: UUID, at date: Date) async throws -> Bool {
        try await access.write { tables in
            guard var record = tables.examples[id], record.deletedAt == nil else { return false }
            record.deletedAt = date
            tables.examples[id] = record
            return true
        }
    }
}
