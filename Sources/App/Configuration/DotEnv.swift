import Foundation

/// Reads a `.env` file: `KEY=value` lines, `#` comments, optional `export ` and matching quotes.
enum DotEnv {
    static func parse(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for rawLine in text.split(whereSeparator: \.isNewline) {
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)) }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            } else if let comment = value.range(of: " #") {
                value = value[..<comment.lowerBound].trimmingCharacters(in: .whitespaces)
            }
            if !key.isEmpty { values[key] = value }
        }
        return values
    }

    /// The process environment over the `.env` file at `path` (when there is one): real variables win.
    static func environment(overlaying path: String = ".env", process: [String: String] = ProcessInfo.processInfo.environment) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else { return process }
        return parse(String(decoding: data, as: UTF8.self)).merging(process) { _, real in real }
    }
}
