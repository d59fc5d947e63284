import Domain
import Foundation
import NIOPosix
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension FileObjectStorage {
    /// The header's length in bytes and the content type it names. Blocking.
    static func readHeader(_ descriptor: Int32) throws(ObjectStorageError) -> (Int64, String) {
        let start = try FileSystem.readAt(descriptor, count: 512, at: 0)
        let marker = Array("portside-object/1 ".utf8)
        guard start.starts(with: marker), let newline = start.firstIndex(of: UInt8(ascii: "\n")) else {
            throw ObjectStorageError.unavailable("not an object file (its header is missing)")
        }
        return (Int64(newline + 1), String(decoding: start[marker.count..<newline], as: UTF8.self))
    }

    /// Walks the directory for `list`. Blocking.
    func listSync(prefix: String, after: ObjectKey?, limit: Int) throws(ObjectStorageError) -> [ObjectSummary] {
        // Only the directory the prefix's complete segments name can hold matching keys.
        let base = prefix.lastIndex(of: "/").map { String(prefix[...$0]) } ?? ""
        let start = base.isEmpty ? root : "\(root)/\(base.dropLast())"
        guard let walker = FileManager.default.enumerator(atPath: start) else { return [] }
        var found: [ObjectSummary] = []
        while let relative = walker.nextObject() as? String {
            if relative.hasPrefix(".") || relative.contains("/.") {
                walker.skipDescendants()
                continue
            }
            guard relative.hasSuffix(Self.suffix) else { continue }
            let name = base + relative.dropLast(Self.suffix.count)
            guard name.hasPrefix(prefix), let key = try? ObjectKey(name), after.map({ $0 < key }) ?? true else { continue }
            var status = stat()
            guard stat("\(start)/\(relative)", &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { continue }
            #if canImport(Darwin)
                let time = status.st_mtimespec
            #else
                let time = status.st_mtim
            #endif
            let modified = Date(timeIntervalSince1970: TimeInterval(time.tv_sec) + TimeInterval(time.tv_nsec) / 1e9)
            // The size leaves out the header, whose length depends on the content type: one open and read per object.
            // An object deleted meanwhile is simply not listed.
            guard let size = try objectSize(path: "\(start)/\(relative)") else { continue }
            found.append(ObjectSummary(key: key, size: size, lastModified: modified))
        }
        return Array(found.sorted { $0.key < $1.key }.prefix(limit))
    }

    private func objectSize(path: String) throws(ObjectStorageError) -> Int64? {
        guard let descriptor = try FileSystem.openExisting(path, flags: O_RDONLY | O_CLOEXEC, mode: 0) else { return nil }
        defer { FileSystem.closeQuietly(descriptor) }
        let (header, _) = try Self.readHeader(descriptor)
        return try FileSystem.size(descriptor) - header
    }
}

/// Reads one opened object file chunk by chunk on the thread pool, and closes it at the end (or when dropped).
final class FileChunkReader: Sendable {
    private let descriptor: Int32
    private let threadPool: NIOThreadPool
    private let state: Mutex<(offset: Int64, remaining: Int64, open: Bool)>

    init(descriptor: Int32, offset: Int64, remaining: Int64, threadPool: NIOThreadPool) {
        self.descriptor = descriptor
        self.threadPool = threadPool
        state = Mutex((offset, remaining, true))
    }

    deinit {
        if state.withLock({ $0.open }) { FileSystem.closeQuietly(descriptor) }
    }

    /// The next chunk, or nil after the last byte of the range.
    @Sendable func next() async throws -> [UInt8]? {
        let (offset, remaining, open) = state.withLock { ($0.offset, $0.remaining, $0.open) }
        guard open else { return nil }
        guard remaining > 0 else {
            finish()
            return nil
        }
        let count = Int(min(Int64(FileObjectStorage.chunkSize), remaining))
        let descriptor = self.descriptor
        let chunk: [UInt8]
        do {
            chunk = try await threadPool.runIfActive { try FileSystem.readAt(descriptor, count: count, at: offset) }
        } catch {
            finish()
            throw error as? ObjectStorageError ?? .unavailable("file I/O could not run: \(error)")
        }
        guard !chunk.isEmpty else {
            finish()
            throw ObjectStorageError.unavailable("the object file ended early")
        }
        state.withLock {
            $0.offset += Int64(chunk.count)
            $0.remaining -= Int64(chunk.count)
        }
        return chunk
    }

    private func finish() {
        let wasOpen = state.withLock { state in
            defer { state.open = false }
            return state.open
        }
        if wasOpen { FileSystem.closeQuietly(descriptor) }
    }
}
