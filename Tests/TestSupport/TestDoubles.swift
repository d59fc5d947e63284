import Domain
import Foundation
import Synchronization

/// A clock that stands still until a test moves it.
public final class TestClock: WallClock {
    private let current: Mutex<Date>

    public init(_ start: Date = Date(timeIntervalSince1970: 1_764_000_000.123)) {
        current = Mutex(start)
    }

    public func now() -> Date { current.withLock { $0 } }

    public func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}

/// Ids 00000000-0000-7000-8000-000000000001, ...2, ...: predictable and increasing.
public final class SequentialIDs: IDGenerator {
    private let counter = Mutex(0)

    public init() {}

    public func makeID() -> UUID {
        let next = counter.withLock { value in
            value += 1
            return value
        }
        return UUID(uuidString: String(format: "00000000-0000-7000-8000-%012x", next))!
    }
}

/// A dependency that never answers: health checks must report it down.
public struct FailingCheck: DependencyCheck {
    public struct Down: Error {}

    public let name: String

    public init(name: String = "database") {
        self.name = name
    }

    public func ping() async throws { throw Down() }
}

/// A dependency that answers.
public struct PassingCheck: DependencyCheck {
    public let name: String

    public init(name: String = "database") {
        self.name = name
    }

    public func ping() async throws {}
}

/// A repository whose every call fails with an error carrying internal detail that must never reach a client.
public struct FailingExampleRepository: ExampleRepository {
    public struct InternalFailure: Error, CustomStringConvertible {
        public var description: String { "disk I/O error at /var/secret/portside.sqlite" }
    }

    public init() {}

    public func insert(_ example: Example) async throws { throw InternalFailure() }
    public func find(id: UUID) async throws -> Example? { throw InternalFailure() }
    public func list(search: String?, page: PageRequest) async throws -> Page<Example> { throw InternalFailure() }
    public func search(_ query: SearchQuery, page: PageRequest) async throws -> Page<SearchHit<Example>> { throw InternalFailure() }
    public func update(_ example: Example) async throws -> Bool { throw InternalFailure() }
    public func softDelete(id: UUID, at: Date) async throws -> Bool { throw InternalFailure() }
}

/// A fresh path for a throwaway SQLite database.
public func temporaryDatabasePath() -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("portside-tests-\(UUID().uuidString)")
    return directory.appendingPathComponent("test.sqlite").path
}

/// The repository's root, found from this file's location.
public func packageRoot(file: String = #filePath) -> URL {
    URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

/// A test's own failure, with what went wrong.
public struct TestFailure: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
