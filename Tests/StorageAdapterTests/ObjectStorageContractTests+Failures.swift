import Domain
import Foundation
import StorageAdapters
import Testing

/// Puts that fail leave nothing behind; listing; what only some adapters can do.
extension ObjectStorageContractTests {
    @Test(arguments: StorageKind.allCases)
    func aPutWhoseChunksFailMidwayLeavesNoObjectAndKeepsTheOldOne(kind: StorageKind) async throws {
        let (storage, prefix) = try kind.make()
        let fresh = try ObjectKey(prefix + "fresh")
        let kept = try ObjectKey(prefix + "kept")
        _ = try await storage.put(kept, chunks: chunks(of: Array("old".utf8), size: 3), length: 3, contentType: "text/plain")

        for key in [fresh, kept] {
            await #expect(throws: ChunkSourceFailed.self) {
                try await storage.put(key, chunks: failingChunks(after: 3), length: 1024 * 1024, contentType: "text/plain")
            }
        }

        await #expect(throws: ObjectStorageError.notFound(fresh)) { try await storage.get(fresh, range: nil) }
        #expect(try await storage.get(kept, range: nil).collect() == Array("old".utf8))
        #expect(try await storage.list(prefix: prefix, after: nil, limit: 10).map(\.key) == [kept])
    }

    @Test(arguments: StorageKind.allCases)
    func aPutOfMoreOrFewerBytesThanItsLengthFailsAndLeavesNoObject(kind: StorageKind) async throws {
        let (storage, prefix) = try kind.make()
        let key = try ObjectKey(prefix + "sized")

        await #expect(throws: ObjectStorageError.lengthMismatch(expected: 100, received: 99)) {
            try await storage.put(key, chunks: chunks(of: pattern(99), size: 50), length: 100, contentType: "text/plain")
        }
        await #expect(throws: ObjectStorageError.lengthMismatch(expected: 100, received: 150)) {
            try await storage.put(key, chunks: chunks(of: pattern(200), size: 50), length: 100, contentType: "text/plain")
        }

        await #expect(throws: ObjectStorageError.notFound(key)) { try await storage.get(key, range: nil) }
    }

    // Filesystem only: there the atomicity is our rename; on S3 it is the server's, and moto answers concurrent puts of
    // one key with an occasional 500 of its own.
    @Test func concurrentPutsOfOneKeyOnTheFilesystemLeaveOneOfThemWhole() async throws {
        let (storage, prefix) = try StorageKind.file.make()
        let key = try ObjectKey(prefix + "contended")
        let versions = (0..<4).map { pattern(300_000, seed: $0 * 50) }

        try await withThrowingTaskGroup(of: Void.self) { group in
            for version in versions {
                group.addTask {
                    _ = try await storage.put(key, chunks: chunks(of: version, size: 32 * 1024), length: 300_000, contentType: "x/y")
                }
            }
            try await group.waitForAll()
        }

        let stored = try await storage.get(key, range: nil).collect()
        #expect(versions.contains(stored))
    }

    @Test(arguments: StorageKind.allCases)
    func badContentTypesAreRefusedBeforeAnythingIsStored(kind: StorageKind) async throws {
        let (storage, prefix) = try kind.make()
        let key = try ObjectKey(prefix + "typed")

        for contentType in ["", "text/plain\r\nX-Evil: 1", String(repeating: "a", count: 256)] {
            await #expect(throws: ObjectStorageError.invalidContentType) {
                try await storage.put(key, chunks: chunks(of: [1], size: 1), length: 1, contentType: contentType)
            }
        }
        await #expect(throws: ObjectStorageError.notFound(key)) { try await storage.get(key, range: nil) }
    }

    @Test(arguments: StorageKind.allCases)
    func listingReturnsTheKeysUnderAPrefixInOrderPageByPage(kind: StorageKind) async throws {
        let (storage, prefix) = try kind.make()
        for (name, size) in [("b/1", 1), ("a/2", 2), ("a/sub/3", 3), ("a/1", 4), ("ab", 5)] {
            _ = try await storage.put(
                try ObjectKey(prefix + name), chunks: chunks(of: pattern(size), size: 8), length: Int64(size), contentType: "x/y")
        }

        let all = try await storage.list(prefix: prefix + "a/", after: nil, limit: 10)
        let first = try await storage.list(prefix: prefix + "a/", after: nil, limit: 2)
        let second = try await storage.list(prefix: prefix + "a/", after: first.last?.key, limit: 2)
        let loose = try await storage.list(prefix: prefix + "a", after: nil, limit: 10)

        #expect(all.map(\.key.value) == ["a/1", "a/2", "a/sub/3"].map { prefix + $0 })
        #expect(all.map(\.size) == [4, 2, 3])
        #expect(all.allSatisfy { abs($0.lastModified.timeIntervalSinceNow) < 3600 })
        #expect(first.map(\.key.value) == ["a/1", "a/2"].map { prefix + $0 })
        #expect(second.map(\.key.value) == [prefix + "a/sub/3"])
        #expect(loose.map(\.key.value) == ["a/1", "a/2", "a/sub/3", "ab"].map { prefix + $0 })
        await #expect(throws: ObjectStorageError.self) { try await storage.list(prefix: "../", after: nil, limit: 10) }
    }

    @Test func keysAreCheckedBeforeAnyAdapterSeesThem() throws {
        for good in ["a", "avatars/2026/u1.png", "A-Z_0.9", "a/b/c", String(repeating: "k", count: 512)] {
            #expect(try ObjectKey(good).value == good)
        }
        let bad = [
            "", "/etc/passwd", "a/../b", "..", "a/./b", "a//b", "a/", "a b", "a\\b", "ä", "a?b", "a%2Fb", ".hidden", "a/.partial/x",
            String(repeating: "k", count: 513),
        ]
        for key in bad {
            #expect(throws: ObjectStorageError.self, "\(key)") { try ObjectKey(key) }
        }
    }

    @Test func theFilesystemAdapterCannotPresignAndLeavesNoPartialFiles() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("portside-objects-\(UUID().uuidString)").path
        let storage = FileObjectStorage(directory: directory)
        let key = try ObjectKey("doc")
        await #expect(throws: ChunkSourceFailed.self) {
            try await storage.put(key, chunks: failingChunks(after: 2), length: 10_000, contentType: "text/plain")
        }

        #expect(throws: ObjectStorageError.self) {
            try storage.presignedURL(for: .get, key: key, expiresIn: 60, contentType: nil, now: Date())
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/.partial") == [])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == [".partial"])
    }
}

/// Two chunks of `count` bytes each... then an error, as from a client that hung up.
func failingChunks(after count: Int) -> AsyncThrowingStream<[UInt8], any Error> {
    AsyncThrowingStream { continuation in
        continuation.yield(pattern(count))
        continuation.yield(pattern(count, seed: 1))
        continuation.finish(throwing: ChunkSourceFailed())
    }
}
