import Domain

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The POSIX calls `FileObjectStorage` makes, each turning `errno` into an `ObjectStorageError`. Blocking: call them
/// on the thread pool only.
enum FileSystem {
    static func failure(_ call: String, _ code: Int32) -> ObjectStorageError {
        .unavailable("\(call) failed: \(String(cString: strerror(code)))")
    }

    static func openFile(_ path: String, flags: Int32, mode: mode_t) throws(ObjectStorageError) -> Int32 {
        guard let descriptor = try openExisting(path, flags: flags, mode: mode) else { throw failure("open", ENOENT) }
        return descriptor
    }

    /// The descriptor, or nil when the file (or a directory on its path) does not exist.
    static func openExisting(_ path: String, flags: Int32, mode: mode_t) throws(ObjectStorageError) -> Int32? {
        let descriptor = open(path, flags, mode)
        if descriptor < 0 {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw failure("open", errno)
        }
        return descriptor
    }

    static func closeQuietly(_ descriptor: Int32) {
        _ = close(descriptor)
    }

    static func closeFile(_ descriptor: Int32) throws(ObjectStorageError) {
        if close(descriptor) != 0 { throw failure("close", errno) }
    }

    /// Writes every byte of `bytes`, retrying short writes and interruptions.
    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) throws(ObjectStorageError) {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, bytes.count - written) }
            if result < 0 {
                if errno == EINTR { continue }
                throw failure("write", errno)
            }
            written += result
        }
    }

    /// Up to `count` bytes at `offset`; fewer only at the end of the file.
    static func readAt(_ descriptor: Int32, count: Int, at offset: Int64) throws(ObjectStorageError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let result = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + filled, count - filled, off_t(offset) + off_t(filled)) }
            if result < 0 {
                if errno == EINTR { continue }
                throw failure("pread", errno)
            }
            if result == 0 { break }
            filled += result
        }
        buffer.removeLast(count - filled)
        return buffer
    }

    static func size(_ descriptor: Int32) throws(ObjectStorageError) -> Int64 {
        var status = stat()
        if fstat(descriptor, &status) != 0 { throw failure("fstat", errno) }
        return Int64(status.st_size)
    }

    static func sync(_ descriptor: Int32) throws(ObjectStorageError) {
        if fsync(descriptor) != 0 { throw failure("fsync", errno) }
    }

    /// Makes the rename inside `directory` durable.
    static func syncDirectory(_ directory: String) throws(ObjectStorageError) {
        let descriptor = try openFile(directory, flags: O_RDONLY | O_DIRECTORY | O_CLOEXEC, mode: 0)
        defer { closeQuietly(descriptor) }
        try sync(descriptor)
    }

    static func renameFile(_ source: String, to destination: String) throws(ObjectStorageError) {
        if rename(source, destination) != 0 { throw failure("rename", errno) }
    }

    /// `mkdir -p`: creates `path` and its missing parents.
    static func makeDirectories(_ path: String) throws(ObjectStorageError) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += current.isEmpty ? "/\(component)" : "/\(component)"
            if current == "./." { continue }
            if mkdir(current, 0o755) != 0, errno != EEXIST { throw failure("mkdir", errno) }
        }
    }
}
