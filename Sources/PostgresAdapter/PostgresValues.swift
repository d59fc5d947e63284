import Domain
import Foundation
import PostgresNIO

/// Text as the tables keep it. PostgreSQL's `text` cannot hold U+0000, which Swift strings (and SQLite) can, so
/// U+0000 is stored as U+FFFF "0" and U+FFFF itself as U+FFFF U+FFFF. Every other string, which is every string
/// the domain lets in, is stored unchanged. U+FFFF is a noncharacter: no text that means anything contains it.
enum StoredText {
    private static let marker: Unicode.Scalar = "\u{FFFF}"

    static func encode(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 == "\u{0}" || $0 == marker }) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\u{0}": scalars.append(contentsOf: [marker, "0"])
            case marker: scalars.append(contentsOf: [marker, marker])
            default: scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    static func decode(_ stored: String) -> String {
        guard stored.unicodeScalars.contains(marker) else { return stored }
        var scalars = String.UnicodeScalarView()
        var iterator = stored.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            guard scalar == marker, let next = iterator.next() else {
                scalars.append(scalar)
                continue
            }
            scalars.append(next == "0" ? "\u{0}" : next)
        }
        return String(scalars)
    }

    /// A LIKE pattern (backslash escapes) matching stored text that contains `term` literally, ASCII letters
    /// lower-cased: compared with `lower(column COLLATE "C")`, which folds A-Z only, as SQLite's LIKE does.
    static func containing(_ term: String) -> String {
        var pattern = "%"
        for scalar in encode(term).unicodeScalars {
            if scalar == "\\" || scalar == "%" || scalar == "_" { pattern.unicodeScalars.append("\\") }
            pattern.unicodeScalars.append(("A"..."Z").contains(scalar) ? Unicode.Scalar(scalar.value + 32)! : scalar)
        }
        return pattern + "%"
    }
}

/// An instant as `timestamptz`, at exactly the millisecond precision the domain keeps. PostgresNIO's own `Date`
/// coding goes through floating-point microseconds and can come back a microsecond off.
struct Timestamp: PostgresNonThrowingEncodable, PostgresDecodable {
    /// Milliseconds from 1970 to 2000-01-01, PostgreSQL's epoch.
    private static let postgresEpoch: Int64 = 946_684_800_000

    let date: Date

    init(_ date: Date) {
        self.date = date
    }

    static var psqlType: PostgresDataType { .timestamptz }
    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeInteger((date.millisecondsSince1970 - Self.postgresEpoch) * 1000)
    }

    init<JSONDecoder: PostgresJSONDecoder>(
        from byteBuffer: inout ByteBuffer, type: PostgresDataType, format: PostgresFormat, context: PostgresDecodingContext<JSONDecoder>
    ) throws {
        guard type == .timestamptz || type == .timestamp, format == .binary, byteBuffer.readableBytes == 8,
            let microseconds = byteBuffer.readInteger(as: Int64.self)
        else { throw PostgresDecodingError.Code.typeMismatch }
        // Whole milliseconds, rounded down (the domain truncates too): written by SQL (`now()`), it may have more.
        let milliseconds = microseconds >= 0 ? microseconds / 1000 : (microseconds - 999) / 1000
        date = Date(millisecondsSince1970: milliseconds + Self.postgresEpoch)
    }
}

extension PostgresQuery.StringInterpolation {
    /// Binds text as `StoredText` keeps it.
    mutating func appendInterpolation(text: String?) {
        appendInterpolation(text.map(StoredText.encode))
    }

    /// Binds an instant as `timestamptz` at millisecond precision.
    mutating func appendInterpolation(time: Date?) {
        appendInterpolation(time.map(Timestamp.init))
    }
}

/// Reads a row's cells in column order, so one row can hold a session followed by its user.
struct RowReader {
    private var cells: PostgresRow.Iterator

    init(_ row: PostgresRow) {
        cells = row.makeIterator()
    }

    /// Whether the next cell is NULL, without reading it.
    var nextIsNull: Bool {
        var copy = cells
        return copy.next()?.bytes == nil
    }

    mutating func next<Value: PostgresDecodable>(_ type: Value.Type = Value.self) throws -> Value {
        guard let cell = cells.next() else { throw PostgresDecodingError.Code.missingData }
        return try cell.decode(Value.self)
    }

    mutating func skip() {
        _ = cells.next()
    }

    mutating func text() throws -> String {
        StoredText.decode(try next(String.self))
    }

    mutating func optionalText() throws -> String? {
        try next(String?.self).map(StoredText.decode)
    }

    mutating func time() throws -> Date {
        try next(Timestamp.self).date
    }

    mutating func optionalTime() throws -> Date? {
        try next(Timestamp?.self)?.date
    }

    mutating func int() throws -> Int {
        try next(Int.self)
    }

    /// Reads a text column as the raw value of `Value`; any other text is a decoding failure.
    mutating func enumeration<Value: RawRepresentable<String>>(_ type: Value.Type = Value.self) throws -> Value {
        guard let value = Value(rawValue: try text()) else { throw PostgresDecodingError.Code.failure }
        return value
    }
}
