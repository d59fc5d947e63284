import Foundation

/// Parsers for the value formats configuration uses: durations (`30s`, `15m`, `7d`), sizes (`10kb`, `20MB`),
/// lists (`a, b`).
enum ConfigurationValues {
    /// The longest duration any setting accepts.
    static let maximumDuration = Duration.seconds(365 * 86_400)

    /// `500ms`, `30s`, `15m`, `24h`, `7d`, or a plain number of seconds; nil when malformed or over a year.
    static func duration(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
        var number = Double(trimmed)
        var unit = 1.0
        if number == nil, let (suffix, seconds) = units.first(where: { trimmed.hasSuffix($0.0) }) {
            number = Double(trimmed.dropLast(suffix.count))
            unit = seconds
        }
        guard let number, number >= 0, number.isFinite else { return nil }
        let milliseconds = (number * unit * 1000).rounded()
        guard milliseconds <= 365 * 86_400 * 1000 else { return nil }
        return .milliseconds(Int64(milliseconds))
    }

    /// `10kb`, `1mb`, `512b` or a plain number of bytes; k and m are powers of 1024, case ignored.
    static func size(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Int)] = [("kb", 1024), ("mb", 1024 * 1024), ("gb", 1024 * 1024 * 1024), ("b", 1)]
        for (suffix, multiplier) in units where trimmed.hasSuffix(suffix) {
            guard let number = Int(trimmed.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), number >= 0 else { return nil }
            return number.multipliedReportingOverflow(by: multiplier).overflow ? nil : number * multiplier
        }
        return Int(trimmed).flatMap { $0 >= 0 ? $0 : nil }
    }

    /// A size in the largest unit that divides it: 64mb, 10kb, 512b.
    static func describeSize(_ bytes: Int) -> String {
        for (suffix, unit) in [("gb", 1024 * 1024 * 1024), ("mb", 1024 * 1024), ("kb", 1024)] where bytes >= unit && bytes % unit == 0 {
            return "\(bytes / unit)\(suffix)"
        }
        return "\(bytes) bytes"
    }

    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Seconds with up to three decimals, for printing durations back.
    static func describe(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        if milliseconds % 86_400_000 == 0, milliseconds > 0 { return "\(milliseconds / 86_400_000)d" }
        if milliseconds % 3_600_000 == 0, milliseconds > 0 { return "\(milliseconds / 3_600_000)h" }
        if milliseconds % 60_000 == 0, milliseconds > 0 { return "\(milliseconds / 60_000)m" }
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
        return "\(milliseconds)ms"
    }
}
