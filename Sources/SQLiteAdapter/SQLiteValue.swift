import Foundation

/// A value bound to or read from an SQLite statement.
public enum SQLiteValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// One result row, read by column position.
public struct SQLiteRow: Sendable {
    let values: [SQLiteValue]

    subscript(index: Int) -> SQLiteValue { values[index] }

    func string(_ index: Int) throws -> String {
        guard case .text(let value) = values[index] else { throw SQLiteError.unexpectedColumn(index) }
        return value
    }

    func optionalString(_ index: Int) throws -> String? {
        if case .null = values[index] { return nil }
        return try string(index)
    }

    func int64(_ index: Int) throws -> Int64 {
        guard case .integer(let value) = values[index] else { throw SQLiteError.unexpectedColumn(index) }
        return value
    }

    func uuid(_ index: Int) throws -> UUID {
        guard let id = UUID(uuidString: try string(index)) else { throw SQLiteError.unexpectedColumn(index) }
        return id
    }

    func date(_ index: Int) throws -> Date {
        Date(millisecondsSince1970: try int64(index))
    }

    func optionalDate(_ index: Int) throws -> Date? {
        if case .null = values[index] { return nil }
        return try date(index)
    }

    func optionalUUID(_ index: Int) throws -> UUID? {
        if case .null = values[index] { return nil }
        return try uuid(index)
    }

    func int(_ index: Int) throws -> Int {
        Int(try int64(index))
    }

    /// A REAL column (an INTEGER one is widened).
    func double(_ index: Int) throws -> Double {
        switch values[index] {
        case .real(let value): return value
        case .integer(let value): return Double(value)
        default: throw SQLiteError.unexpectedColumn(index)
        }
    }

    func bool(_ index: Int) throws -> Bool {
        try int64(index) != 0
    }

    /// Reads a text column as the raw value of `Value`; any other text is an unexpected column.
    func enumeration<Value: RawRepresentable<String>>(_ index: Int, as type: Value.Type = Value.self) throws -> Value {
        guard let value = Value(rawValue: try string(index)) else { throw SQLiteError.unexpectedColumn(index) }
        return value
    }
}

extension SQLiteValue {
    static func uuid(_ id: UUID) -> SQLiteValue { .text(id.uuidString.lowercased()) }
    static func date(_ date: Date) -> SQLiteValue { .integer(date.millisecondsSince1970) }
    static func optionalText(_ text: String?) -> SQLiteValue { text.map(SQLiteValue.text) ?? .null }
    static func optionalDate(_ date: Date?) -> SQLiteValue { date.map(SQLiteValue.date) ?? .null }
    static func optionalUUID(_ id: UUID?) -> SQLiteValue { id.map(SQLiteValue.uuid) ?? .null }
    static func bool(_ value: Bool) -> SQLiteValue { .integer(value ? 1 : 0) }
    static func int(_ value: Int) -> SQLiteValue { .integer(Int64(value)) }

    /// A LIKE pattern (used with `ESCAPE '\'`) matching text that contains `term` literally: its wildcards are escaped.
    static func containing(_ term: String) -> SQLiteValue {
        // By scalar, not by Character: `%` followed by a combining mark is one Character unequal to `%`, and its
        // wildcard would slip through unescaped.
        var escaped = String.UnicodeScalarView()
        escaped.append("%")
        for scalar in term.unicodeScalars {
            if scalar == "\\" || scalar == "%" || scalar == "_" { escaped.append("\\") }
            escaped.append(scalar)
        }
        escaped.append("%")
        return .text(String(escaped))
    }
}

/// An error reported by SQLite or by reading its results.
public enum SQLiteError: Error, CustomStringConvertible {
    case sqlite(code: Int32, message: String)
    case unexpectedColumn(Int)
    case closed

    public var description: String {
        switch self {
        case .sqlite(let code, let message): "SQLite error \(code): \(message)"
        case .unexpectedColumn(let index): "unexpected value in result column \(index)"
        case .closed: "the database is closed"
        }
    }

    /// Whether any constraint (primary key, unique, foreign key, check) refused the statement (SQLITE_CONSTRAINT and its
    /// extended codes).
    var isConstraintViolation: Bool {
        guard case .sqlite(let code, _) = self else { return false }
        return code & 0xFF == 19
    }

    /// Whether a UNIQUE constraint refused the statement (SQLITE_CONSTRAINT_UNIQUE, an extended result code).
    var isUniqueViolation: Bool {
        guard case .sqlite(let code, _) = self else { return false }
        return code == 2067
    }
}
