import Domain
import Foundation
import NIOCore

/// ISO-8601 UTC with milliseconds (`2026-11-25T09:30:00.123Z`), the one timestamp format of the API. Written
/// digit by digit: date formatters are a measurable share of a list response.
enum Timestamp {
    static func string(_ date: Date) -> String {
        var buffer = ByteBuffer()
        write(date, to: &buffer)
        return String(buffer: buffer)
    }

    static func write(_ date: Date, to buffer: inout ByteBuffer) {
        let (seconds, millis) = floorDivide(date.millisecondsSince1970, 1000)
        let (days, secondOfDay) = floorDivide(seconds, 86_400)
        let (year, month, day) = civil(fromDays: days)
        guard (0...9999).contains(year) else {
            // Outside four-digit years the fixed layout below does not apply; Foundation can afford those.
            buffer.writeString(Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date))
            return
        }
        // "YYYY-MM-DDTHH:MM:SS.mmmZ": fill 24 bytes on the stack, then copy them once.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { bytes in
            func put(_ value: Int64, _ count: Int, at offset: Int) {
                var value = value
                for index in stride(from: offset + count - 1, through: offset, by: -1) {
                    bytes[index] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
            }
            put(year, 4, at: 0)
            bytes[4] = UInt8(ascii: "-")
            put(month, 2, at: 5)
            bytes[7] = UInt8(ascii: "-")
            put(day, 2, at: 8)
            bytes[10] = UInt8(ascii: "T")
            put(secondOfDay / 3600, 2, at: 11)
            bytes[13] = UInt8(ascii: ":")
            put(secondOfDay % 3600 / 60, 2, at: 14)
            bytes[16] = UInt8(ascii: ":")
            put(secondOfDay % 60, 2, at: 17)
            bytes[19] = UInt8(ascii: ".")
            put(millis, 3, at: 20)
            bytes[23] = UInt8(ascii: "Z")
            buffer.writeBytes(UnsafeRawBufferPointer(bytes))
        }
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension UUID {
    /// Writes the id in its canonical lowercase form, without building an intermediate string.
    func writeLowercase(to buffer: inout ByteBuffer) {
        let hex: StaticString = "0123456789abcdef"
        withUnsafeBytes(of: uuid) { source in
            hex.withUTF8Buffer { digits in
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 36) { bytes in
                    var offset = 0
                    for (index, byte) in source.enumerated() {
                        if index == 4 || index == 6 || index == 8 || index == 10 {
                            bytes[offset] = UInt8(ascii: "-")
                            offset += 1
                        }
                        bytes[offset] = digits[Int(byte >> 4)]
                        bytes[offset + 1] = digits[Int(byte & 0x0F)]
                        offset += 2
                    }
                    buffer.writeBytes(UnsafeRawBufferPointer(bytes))
                }
            }
        }
    }

    /// The canonical lowercase form.
    var lowercaseString: String {
        var buffer = ByteBuffer()
        writeLowercase(to: &buffer)
        return String(buffer: buffer)
    }
}

extension Duration {
    /// The duration in milliseconds, for logs and health reports.
    var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }

    /// The duration in milliseconds with two decimals (`12.35`), rounded, as `String(format: "%.2f")` would write it
    /// but without Foundation: it is written on every request's log line.
    var millisecondsText: String {
        guard self >= .zero else { return "0.00" }
        // Hundredths of a millisecond (10 µs, 10^13 attoseconds), rounded half up.
        let hundredths = components.seconds * 100_000 + (components.attoseconds + 5_000_000_000_000) / 10_000_000_000_000
        let fraction = hundredths % 100
        return "\(hundredths / 100)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }
}
