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
        digits(year, 4, &buffer)
        buffer.writeInteger(UInt8(ascii: "-"))
        digits(month, 2, &buffer)
        buffer.writeInteger(UInt8(ascii: "-"))
        digits(day, 2, &buffer)
        buffer.writeInteger(UInt8(ascii: "T"))
        digits(secondOfDay / 3600, 2, &buffer)
        buffer.writeInteger(UInt8(ascii: ":"))
        digits(secondOfDay % 3600 / 60, 2, &buffer)
        buffer.writeInteger(UInt8(ascii: ":"))
        digits(secondOfDay % 60, 2, &buffer)
        buffer.writeInteger(UInt8(ascii: "."))
        digits(millis, 3, &buffer)
        buffer.writeInteger(UInt8(ascii: "Z"))
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

    /// Writes `value` (0 or more) with at least `count` digits, zero-padded.
    private static func digits(_ value: Int64, _ count: Int, _ buffer: inout ByteBuffer) {
        var divisor: Int64 = 1
        for _ in 1..<count { divisor *= 10 }
        while divisor * 10 <= value { divisor *= 10 }
        var remaining = value
        while divisor > 0 {
            buffer.writeInteger(UInt8(ascii: "0") + UInt8(remaining / divisor))
            remaining %= divisor
            divisor /= 10
        }
    }
}

extension UUID {
    /// Writes the id in its canonical lowercase form, without building an intermediate string.
    func writeLowercase(to buffer: inout ByteBuffer) {
        let hex: StaticString = "0123456789abcdef"
        withUnsafeBytes(of: uuid) { bytes in
            hex.withUTF8Buffer { digits in
                for (index, byte) in bytes.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 { buffer.writeInteger(UInt8(ascii: "-")) }
                    buffer.writeInteger(digits[Int(byte >> 4)])
                    buffer.writeInteger(digits[Int(byte & 0x0F)])
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
