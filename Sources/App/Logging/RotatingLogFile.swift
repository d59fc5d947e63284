import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The log file of `LOG_FILE`: lines appended by any thread are written, whole and in order, by one thread of its
/// own (file I/O never runs on an event loop or the cooperative pool). The file is rotated when the next line would
/// take it past `maximumSize`, or when the UTC day changes: `portside.log` becomes `portside.log.1`, the older ones
/// move up one, and at most `maximumFiles` rotated files are kept. A line is never split between two files.
///
/// `@unchecked Sendable`: the state shared between threads (`pending`, `dropped`, `closing`, `finished`) is only read
/// and written while `condition` is locked, and the file state (`descriptor`, `size`, `day`) only by the writer
/// thread once the initializer has returned; the rest is immutable.
final class RotatingLogFile: @unchecked Sendable {
    let path: String
    private let maximumSize: Int
    private let maximumFiles: Int
    private let today: @Sendable () -> String
    /// Lines waiting for the writer thread; beyond `maximumPending` new lines are counted as dropped instead (the
    /// writer reports how many), so a stalled disk cannot take the process's memory.
    private let maximumPending: Int

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var pending: [String] = []
    private var dropped = 0
    private var closing = false
    private var finished = false

    // Used by the writer thread only.
    private var descriptor: Int32 = -1
    private var size = 0
    private var day = ""

    /// Opens (creating, with its directory) the file for appending and starts the writer thread.
    init(
        path: String, maximumSize: Int, maximumFiles: Int, maximumPending: Int = 100_000,
        today: @escaping @Sendable () -> String = RotatingLogFile.utcDay
    ) throws {
        self.path = path
        self.maximumSize = max(1, maximumSize)
        self.maximumFiles = max(1, maximumFiles)
        self.maximumPending = maximumPending
        self.today = today
        try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        try openFile()
        let thread = Thread { [self] in writeUntilClosed() }
        thread.name = "portside-log-file"
        thread.start()
    }

    /// Queues `line` (without its newline) for writing. Never blocks on the disk.
    func append(_ line: String) {
        condition.lock()
        if pending.count < maximumPending { pending.append(line) } else { dropped += 1 }
        condition.signal()
        condition.unlock()
    }

    /// Writes every queued line, closes the file and stops the writer thread; lines appended after are dropped.
    func close() {
        condition.lock()
        closing = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }

    private func writeUntilClosed() {
        while true {
            condition.lock()
            while pending.isEmpty, !closing { condition.wait() }
            let batch = pending
            let lost = dropped
            pending = []
            dropped = 0
            let stop = closing && batch.isEmpty
            condition.unlock()
            if lost > 0 { write(line: "\(RotatingLogFile.timestamp()) WARNING \(lost) log lines dropped: the log file fell behind") }
            for line in batch { write(line: line) }
            if stop { break }
        }
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    private func write(line: String) {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        let now = today()
        if now != day || (size > 0 && size + bytes.count > maximumSize) { rotate(day: now) }
        guard descriptor >= 0 else { return }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
            if written <= 0 {
                if written < 0, errno == EINTR { continue }
                break
            }
            offset += written
        }
        size += offset
    }

    private func rotate(day now: String) {
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
        descriptor = -1
        let manager = FileManager.default
        // The file only moves aside when it holds something: a new day with an empty file keeps writing into it.
        if size > 0 {
            try? manager.removeItem(atPath: "\(path).\(maximumFiles)")
            for index in stride(from: maximumFiles - 1, through: 1, by: -1) where manager.fileExists(atPath: "\(path).\(index)") {
                try? manager.moveItem(atPath: "\(path).\(index)", toPath: "\(path).\(index + 1)")
            }
            try? manager.moveItem(atPath: path, toPath: "\(path).1")
        }
        try? openFile()
        day = now
    }

    private func openFile() throws {
        let opened = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        guard opened >= 0 else { throw LogFileError(path: path, reason: String(cString: strerror(errno))) }
        descriptor = opened
        var status = stat()
        size = fstat(opened, &status) == 0 ? Int(status.st_size) : 0
        if day.isEmpty { day = today() }
    }

    static func utcDay() -> String {
        Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day().format(Date())
    }

    static func timestamp() -> String {
        Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(Date())
    }
}

/// `LOG_FILE` could not be opened.
struct LogFileError: Error, CustomStringConvertible {
    let path: String
    let reason: String
    var description: String { "cannot open the log file \(path): \(reason)" }
}
