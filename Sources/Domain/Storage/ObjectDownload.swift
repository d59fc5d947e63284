/// An object opened by `ObjectStorage.get`: its metadata, and its bytes as they are read.
public struct ObjectDownload: Sendable {
    /// The whole object's size in bytes, whatever the range.
    public let size: Int64
    public let contentType: String
    /// The bytes `chunks` yields: `0...size-1` without a range (empty for an empty object: nil).
    public let range: ClosedRange<Int64>?
    /// The bytes, read while they are consumed. Iterate once.
    public let chunks: ObjectChunks

    public init(size: Int64, contentType: String, range: ClosedRange<Int64>?, chunks: ObjectChunks) {
        self.size = size
        self.contentType = contentType
        self.range = range
        self.chunks = chunks
    }

    /// Every byte `chunks` yields, in one array (for small objects and tests).
    public func collect() async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await chunk in chunks { bytes += chunk }
        return bytes
    }
}

/// A sequence of byte chunks whose source (a file, an HTTP body) stays the adapter's business.
public struct ObjectChunks: AsyncSequence, Sendable {
    public typealias Element = [UInt8]

    public struct AsyncIterator: AsyncIteratorProtocol {
        let produce: () async throws -> [UInt8]?

        public mutating func next() async throws -> [UInt8]? {
            try await produce()
        }
    }

    private let make: @Sendable () -> AsyncIterator

    /// Chunks produced by calling `next` until it returns nil; the adapter makes one `next` per iteration.
    public init(_ makeNext: @escaping @Sendable () -> () async throws -> [UInt8]?) {
        make = { AsyncIterator(produce: makeNext()) }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        make()
    }
}
