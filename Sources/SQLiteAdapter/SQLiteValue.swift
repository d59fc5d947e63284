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
}

extension SQLiteValue {
    static func uuid(_ id: UUID) -> SQLiteValue { .text(id.uuidString.lowercased()) }
    static func date(_ date: Date) -> SQLiteValue { .integer(date.millisecondsSince1970) }
    static func optionalText(_ text: String?) -> SQLiteValue { text.map(SQLiteValue.text) ?? .null }
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
}
