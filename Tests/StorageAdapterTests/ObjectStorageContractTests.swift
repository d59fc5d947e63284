import Crypto
import Domain
import Foundation
import StorageAdapters
import Testing

/// The contract of object storage, on every adapter: streaming round trips, ranges, replacement, deletion, listing,
/// and puts that fail without leaving anything behind.
@Suite struct ObjectStorageContractTests {
    @Test(arguments: StorageKind.allCases)
    func aMultiChunkObjectComesBackByteForByteWithItsContentTypeAndDigest(kind: StorageKind) async throws {
        let (storage, prefix) = try kind.make()
        let key = try ObjectKey(prefix + "big/blob.bin")
        let bytes = pattern(3 * 1024 * 1024)

        let stored = try await storage.put(key, chunks: chunks(of: bytes, size: 64 * 1024), length: Int64(bytes.count), contentType: "image/png")
        let download = try await storage.get(key, range: nil)
        let read = try await download.collect()

        #expect(stored.size == Int64(bytes.count))
        #expect(stored.sha256 == SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined())
        #expect(download.size == Int64(bytes.count))
        #expect(download.contentType == "image/png")
        #expect(download.range == 0...Int64(bytes.count - 1))
        #expect(read.count == bytes.count)
        #expect(read == bytes)
    }

    @Test(arguments: StorageKind.allCases)
    func rangesSelectTheFirstMiddleAndLastBytes(kind: StorageKind) async throws {
        let (storage, prefix) = try kind.make()
        let key = try ObjectKey(prefix + "ranged")
        let bytes = pattern(1000, seed: 7)
        _ = try await storage.put(key, chunks: chunks(of: bytes, size: 300), length: 1000, contentType: "text/plain")

        let cases: [(ObjectRange, ClosedRange<Int>)] = [
            (.bytes(start: 0, end: 9), 0...9), (.bytes(start: 100, end: 199), 100...199), (.suffix(count: 10), 990...999),
            (.bytes(start: 995, end: nil), 995...999), (.bytes(start: 900, end: 5000), 900...999), (.suffix(count: 5000), 0...999),
        ]
        for (range, expected) in cases {
            let download = try await storage.get(key, range: range)
            #expect(download.size == 1000, "\(range)")
            #expect(download.range == Int64(expected.lowerBound)...Int64(expected.upperBound), "\(range)")
            #expect(try await download.collect() == Array(bytes[expected]), "\(range)")
        }
    }

    @Test(arguments: StorageKind.allCases)
    func aRangeThatStartsAtOrPastTheEndIsRefusedWithTheSize(kind: StorageKind) async throws {
        let (storage, prefix) = try kind.make()
        let key = try ObjectKey(prefix + "short")
        _ = try await storage.put(key, chunks: chunks(of: pattern(100), size: 64), length: 100, contentType: "text/plain")

        await #expect(throws: ObjectStorageError.invalidRange(size: 100)) { try await storage.get(key, range: .bytes(start: 100, end: nil)) }
        await #expect(throws: ObjectStorageError.invalidRange(size: 100)) { try await storage.get(key, range: .bytes(start: 5000, end: 6000)) }
    }

    @Test(arguments: StorageKind.allCases)
    func aSecondPutReplacesTheObjectAndItsContentType(kind: StorageKind) async throws {
        let (storage, prefix) = try kind.make()
        let key = try ObjectKey(prefix + "avatar")
        _ = try await storage.put(key, chunks: chunks(of: pattern(5000), size: 1000), length: 5000, contentType: "image/png")

        _ = try await storage.put(key, chunks: chunks(of: Array("new".utf8), size: 2), length: 3, contentType: "image/jpeg")

        let download = try await storage.get(key, range: nil)
        #expect(download.size == 3)
        #expect(download.contentType == "image/jpeg")
        #expect(try await download.collect() == Array("new".utf8))
    }

    @Test(arguments: StorageKind.allCases)
    func anEmptyObjectIsStoredAndRead(kind: StorageKind) async throws {
        let (storage, prefix) = try kind.make()
        let key = try ObjectKey(prefix + "empty")

        let stored = try await storage.put(key, chunks: chunks(of: [], size: 1), length: 0, contentType: "text/plain")

        let download = try await storage.get(key, range: nil)
        #expect(stored.sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(download.size == 0)
        #expect(download.range == nil)
        #expect(try await download.collect() == [])
    }

    @Test(arguments: StorageKind.allCases)
    func deletingRemovesTheObjectAndMayBeRepeated(kind: StorageKind) async throws {
        let (storage, prefix) = try kind.make()
        let key = try ObjectKey(prefix + "gone")
        _ = try await storage.put(key, chunks: chunks(of: pattern(10), size: 10), length: 10, contentType: "text/plain")

        try await storage.delete(key)
        try await storage.delete(key)
        try await storage.delete(try ObjectKey(prefix + "never-stored"))

        await #expect(throws: ObjectStorageError.notFound(key)) { try await storage.get(key, range: nil) }
    }

    @Test(arguments: StorageKind.allCases)
    func aMissingObjectIsNotFound(kind: StorageKind) async throws {
        let (storage, prefix) = try kind.make()
        let key = try ObjectKey(prefix + "missing/object")

        await #expect(throws: ObjectStorageError.notFound(key)) { try await storage.get(key, range: nil) }
        await #expect(throws: ObjectStorageError.notFound(key)) { try await storage.get(key, range: .bytes(start: 0, end: 1)) }
    }
}
