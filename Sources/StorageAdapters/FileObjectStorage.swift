import Crypto
import Domain
import Foundation
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `ObjectStorage` on a local directory (`STORAGE_URL=file:DIR`), for development and single-host deployments.
///
/// Each object is one file, `DIR/KEY~obj`: a one-line header with the content type, then the bytes. The suffix holds a
/// character keys may not use, so an object `a` and an object `a/b` can both exist. A put writes a new file under
/// `DIR/.partial/`, fsyncs it, renames it over the old one and fsyncs the directory, so a reader sees the old object or
/// the new one, never part of one, and the content type travels with the bytes in that one rename (a sidecar file
/// would need a second one). Every blocking call runs on the `NIOThreadPool`. Presigned URLs are not supported
/// (`.unsupported`): serve these objects through the API.
public struct FileObjectStorage: ObjectStorage {
    let root: String
    let threadPool: NIOThreadPool
    static let suffix = "~obj"
    static let partial = ".partial"
    static let chunkSize = 64 * 1024

    /// Objects under `directory` (created on the first put), with blocking file calls on `threadPool`.
    public init(directory: String, threadPool: NIOThreadPool = .singleton) {
        var root = directory
        while root.count > 1, root.hasSuffix("/") { root.removeLast() }
        self.root = root
        self.threadPool = threadPool
    }

    func path(of key: ObjectKey) -> String { "\(root)/\(key.value)\(Self.suffix)" }

    public func put<Chunks: AsyncSequence & Sendable>(
        _ key: ObjectKey, chunks: Chunks, length: Int64, contentType: String
    ) async throws -> StoredObject where Chunks.Element == [UInt8] {
        try ObjectKey.checkContentType(contentType)
        guard length >= 0 else { throw ObjectStorageError.lengthMismatch(expected: length, received: 0) }
        let temporary = "\(root)/\(Self.partial)/\(UUID().uuidString.lowercased())"
        let descriptor = try await io { () throws(ObjectStorageError) -> Int32 in
            try FileSystem.makeDirectories("\(root)/\(Self.partial)")
            return try FileSystem.openFile(temporary, flags: O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode: 0o600)
        }
        do {
            try await io { () throws(ObjectStorageError) in try FileSystem.writeAll(descriptor, Array(Self.header(contentType).utf8)) }
            var hasher = SHA256()
            var received: Int64 = 0
            for try await chunk in chunks {
                received += Int64(chunk.count)
                guard received <= length else { throw ObjectStorageError.lengthMismatch(expected: length, received: received) }
                hasher.update(data: chunk)
                try await io { () throws(ObjectStorageError) in try FileSystem.writeAll(descriptor, chunk) }
            }
            guard received == length else { throw ObjectStorageError.lengthMismatch(expected: length, received: received) }
            let destination = path(of: key)
            try await io { () throws(ObjectStorageError) in
                try FileSystem.sync(descriptor)
                try FileSystem.closeFile(descriptor)
                let directory = String(destination[..<destination.lastIndex(of: "/")!])
                try FileSystem.makeDirectories(directory)
                try FileSystem.renameFile(temporary, to: destination)
                try FileSystem.syncDirectory(directory)
            }
            return StoredObject(key: key, size: length, sha256: hasher.finalize().map { String(format: "%02x", $0) }.joined())
        } catch {
            // The descriptor may already be closed (a failed rename); closing it twice only fails with EBADF.
            try? await io { () throws(ObjectStorageError) in
                FileSystem.closeQuietly(descriptor)
                _ = unlink(temporary)
            }
            throw error
        }
    }

    public func get(_ key: ObjectKey, range: ObjectRange?) async throws -> ObjectDownload {
        let file = path(of: key)
        let (descriptor, headerLength, contentType, fileSize) = try await io { () throws(ObjectStorageError) in
            guard let descriptor = try FileSystem.openExisting(file, flags: O_RDONLY | O_CLOEXEC, mode: 0) else {
                throw ObjectStorageError.notFound(key)
            }
            do throws(ObjectStorageError) {
                let (headerLength, contentType) = try Self.readHeader(descriptor)
                return (descriptor, headerLength, contentType, try FileSystem.size(descriptor))
            } catch {
                FileSystem.closeQuietly(descriptor)
                throw error
            }
        }
        let size = fileSize - headerLength
        let selected: ClosedRange<Int64>?
        if let range {
            guard let resolved = range.resolved(size: size) else {
                _ = try? await io { () throws(ObjectStorageError) in FileSystem.closeQuietly(descriptor) }
                throw ObjectStorageError.invalidRange(size: size)
            }
            selected = resolved
        } else {
            selected = size > 0 ? 0...(size - 1) : nil
        }
        let reader = FileChunkReader(
            descriptor: descriptor, offset: headerLength + (selected?.lowerBound ?? 0), remaining: Int64(selected?.count ?? 0),
            threadPool: threadPool)
        return ObjectDownload(size: size, contentType: contentType, range: selected, chunks: ObjectChunks { reader.next })
    }

    public func delete(_ key: ObjectKey) async throws {
        let file = path(of: key)
        try await io { () throws(ObjectStorageError) in
            if unlink(file) != 0, errno != ENOENT { throw FileSystem.failure("unlink", errno) }
        }
    }

    public func list(prefix: String, after: ObjectKey?, limit: Int) async throws -> [ObjectSummary] {
        guard ObjectKey.isValidPrefix(prefix) else { throw ObjectStorageError.invalidKey("the prefix may contain only key characters") }
        guard limit > 0 else { return [] }
        return try await io { () throws(ObjectStorageError) in try listSync(prefix: prefix, after: after, limit: limit) }
    }

    public func presignedURL(for method: PresignedMethod, key: ObjectKey, expiresIn: Int, contentType: String?, now: Date) throws -> URL {
        throw ObjectStorageError.unsupported("the filesystem adapter cannot sign URLs: serve its objects through the API")
    }

    /// Runs `work` on the thread pool (blocking file calls never run on the cooperative pool or an event loop).
    func io<Result: Sendable>(_ work: @escaping @Sendable () throws(ObjectStorageError) -> Result) async throws -> Result {
        do {
            return try await threadPool.runIfActive { try work() }
        } catch let error as ObjectStorageError {
            throw error
        } catch {
            throw ObjectStorageError.unavailable("file I/O could not run: \(error)")
        }
    }

    static func header(_ contentType: String) -> String { "portside-object/1 \(contentType)\n" }
}
