import Crypto
import Domain
import Foundation

/// Object storage in memory for tests of the use cases and routes: whole puts only (a put that fails or yields the
/// wrong length stores nothing), ranges, listing in key order, and presigned URLs when `presignBase` is given (nil:
/// `.unsupported`, as on the filesystem). `lastModified` comes from `clock`, so a sweep's grace can be tested.
public actor MemoryObjectStorage: ObjectStorage {
    public struct Object: Sendable, Equatable {
        public let bytes: [UInt8]
        public let contentType: String
        public let lastModified: Date
    }

    public private(set) var objects: [ObjectKey: Object] = [:]
    private let clock: any WallClock
    private let presignBase: URL?

    public init(clock: any WallClock, presignBase: URL? = nil) {
        self.clock = clock
        self.presignBase = presignBase
    }

    public func put<Chunks: AsyncSequence & Sendable>(
        _ key: ObjectKey, chunks: Chunks, length: Int64, contentType: String
    ) async throws -> StoredObject where Chunks.Element == [UInt8] {
        try ObjectKey.checkContentType(contentType)
        var bytes: [UInt8] = []
        for try await chunk in chunks {
            bytes += chunk
            if Int64(bytes.count) > length { throw ObjectStorageError.lengthMismatch(expected: length, received: length + 1) }
        }
        guard Int64(bytes.count) == length else { throw ObjectStorageError.lengthMismatch(expected: length, received: Int64(bytes.count)) }
        objects[key] = Object(bytes: bytes, contentType: contentType, lastModified: clock.now())
        return StoredObject(key: key, size: length, sha256: Self.sha256(bytes))
    }

    public func get(_ key: ObjectKey, range: ObjectRange?) async throws -> ObjectDownload {
        guard let object = objects[key] else { throw ObjectStorageError.notFound(key) }
        let size = Int64(object.bytes.count)
        var selected: ClosedRange<Int64>? = size > 0 ? 0...(size - 1) : nil
        if let range {
            guard let resolved = range.resolved(size: size) else { throw ObjectStorageError.invalidRange(size: size) }
            selected = resolved
        }
        let bytes = selected.map { Array(object.bytes[Int($0.lowerBound)...Int($0.upperBound)]) } ?? []
        let chunks = ObjectChunks {
            var pending: [UInt8]? = bytes.isEmpty ? nil : bytes
            return {
                defer { pending = nil }
                return pending
            }
        }
        return ObjectDownload(size: size, contentType: object.contentType, range: selected, chunks: chunks)
    }

    public func delete(_ key: ObjectKey) async throws {
        objects[key] = nil
    }

    public func list(prefix: String, after: ObjectKey?, limit: Int) async throws -> [ObjectSummary] {
        objects.filter { entry in entry.key.value.hasPrefix(prefix) && (after.map { $0 < entry.key } ?? true) }
            .sorted { $0.key < $1.key }.prefix(limit)
            .map { ObjectSummary(key: $0.key, size: Int64($0.value.bytes.count), lastModified: $0.value.lastModified) }
    }

    public nonisolated func presignedURL(
        for method: PresignedMethod, key: ObjectKey, expiresIn: Int, contentType: String?, now: Date
    ) throws -> URL {
        guard let presignBase else { throw ObjectStorageError.unsupported("presigned URLs") }
        return presignBase.appendingPathComponent(key.value).appending(queryItems: [
            URLQueryItem(name: "method", value: method.rawValue), URLQueryItem(name: "expires", value: String(expiresIn)),
        ])
    }

    /// Puts `bytes` under `key` as a client holding a presigned URL would.
    public func store(_ bytes: [UInt8], at key: ObjectKey, contentType: String = "application/octet-stream") async throws {
        _ = try await put(key, chunks: [bytes].asyncSequence, length: Int64(bytes.count), contentType: contentType)
    }

    /// The objects whose key starts with `prefix`, by key.
    public func keys(under prefix: String = "") -> [String] {
        objects.keys.map(\.value).filter { $0.hasPrefix(prefix) }.sorted()
    }

    public static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }
}

/// The elements of an array as an `AsyncSequence`.
public struct AsyncArray<Element: Sendable>: AsyncSequence, Sendable {
    let elements: [Element]

    public struct AsyncIterator: AsyncIteratorProtocol {
        var remaining: ArraySlice<Element>

        public mutating func next() async -> Element? {
            remaining.popFirst()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(remaining: elements[...])
    }
}

extension Array where Element: Sendable {
    /// The elements one by one, as an `AsyncSequence`.
    public var asyncSequence: AsyncArray<Element> { AsyncArray(elements: self) }
}
