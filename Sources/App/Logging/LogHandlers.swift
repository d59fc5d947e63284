import Foundation
import Logging
import Synchronization
import Telemetry

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes whole lines to standard output under one lock, so lines from concurrent requests never interleave, and
/// to the log file when there is one.
final class LineWriter: Sendable {
    static let standardOutput = LineWriter()
    private let lock = Mutex(())
    let file: RotatingLogFile?

    init(file: RotatingLogFile? = nil) {
        self.file = file
    }

    func writeLine(_ line: String) {
        file?.append(line)
        lock.withLock { _ in
            var line = line
            line.append("\n")
            line.withUTF8 { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = write(STDOUT_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
                    if written <= 0 { break }
                    offset += written
                }
            }
        }
    }
}

/// One JSON object per line (`LOG_FORMAT=json`): `ts`, `level`, `label`, `msg` and the metadata.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    let writer: LineWriter

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var object: [String: Any] = [
            "ts": LogTimestamp.now(),
            "level": event.level.rawValue,
            "label": label,
            "msg": "\(event.message)",
        ]
        let merged = metadata.merging(metadataProvider?.get() ?? [:]) { $1 }.merging(event.metadata ?? [:]) { $1 }
        for (key, value) in merged where object[key] == nil {
            object[key] = Self.plain(value)
        }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        writer.writeLine(String(decoding: data, as: UTF8.self))
    }

    private static func plain(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let string): string
        case .stringConvertible(let convertible): convertible.description
        case .array(let array): array.map(plain)
        case .dictionary(let dictionary): dictionary.mapValues(plain)
        }
    }
}

/// Readable lines for development (`LOG_FORMAT=pretty`): time, level, message, then `key=value` pairs.
struct PrettyLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    let writer: LineWriter

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(metadataProvider?.get() ?? [:]) { $1 }.merging(event.metadata ?? [:]) { $1 }
        let pairs = merged.filter { !$0.key.hasPrefix("hb.") }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let level = event.level.rawValue.uppercased().padding(toLength: 8, withPad: " ", startingAt: 0)
        writer.writeLine(([LogTimestamp.now(), level, "\(event.message)"] + pairs).joined(separator: " "))
    }
}

enum LogTimestamp {
    static func now() -> String {
        Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(Date())
    }
}

/// Installs the log handler chosen by configuration; call once, before anything logs.
public enum PortsideLogging {
    /// The log file, kept to be flushed and closed when the process ends.
    private static let file = Mutex<RotatingLogFile?>(nil)

    /// Installs the handlers; with `file`, lines also go to that (rotating) file. Throws when the file cannot be
    /// opened.
    public static func bootstrap(
        format: Configuration.LogFormat, level: Logger.Level, file path: String? = nil, maximumSize: Int = 20 * 1024 * 1024,
        maximumFiles: Int = 14
    ) throws {
        let logFile = try path.map { try RotatingLogFile(path: $0, maximumSize: maximumSize, maximumFiles: maximumFiles) }
        file.withLock { $0 = logFile }
        let writer = logFile.map { LineWriter(file: $0) } ?? .standardOutput
        // Inside a traced span, every line carries `traceId` and `spanId`.
        LoggingSystem.bootstrap(
            { label, provider in
                switch format {
                case .json:
                    var handler = JSONLogHandler(label: label, writer: writer)
                    handler.logLevel = level
                    handler.metadataProvider = provider
                    return handler
                case .pretty:
                    var handler = PrettyLogHandler(label: label, writer: writer)
                    handler.logLevel = level
                    handler.metadataProvider = provider
                    return handler
                }
            }, metadataProvider: TraceHeaders.logMetadataProvider)
    }

    /// Writes what is queued for the log file and closes it; call as the process ends.
    public static func flush() {
        file.withLock { $0 }?.close()
    }
}
