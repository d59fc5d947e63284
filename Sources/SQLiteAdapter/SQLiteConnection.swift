import CSQLite
import Domain
import Foundation
import Synchronization

/// One SQLite connection. Every call blocks, so callers run it on a thread pool, never on the cooperative pool or
/// an event loop. The mutex makes each call exclusive; prepared statements are cached per connection.
final class SQLiteConnection: Sendable {
    private struct State {
        var handle: OpaquePointer?
        var statements: [String: OpaquePointer] = [:]
    }

    private let state: Mutex<State>

    init(path: String, readOnly: Bool, busyTimeoutMilliseconds: Int32 = 5000) throws {
        var handle: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open \(path)"
            sqlite3_close_v2(handle)
            throw SQLiteError.sqlite(code: code, message: message)
        }
        sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
        sqlite3_extended_result_codes(handle, 1)
        state = Mutex(State(handle: handle))
    }

    /// Runs a script of one or more statements without parameters (migrations, pragmas).
    func executeScript(_ sql: String) throws {
        try state.withLock { state in
            guard let handle = state.handle else { throw SQLiteError.closed }
            var errorMessage: UnsafeMutablePointer<CChar>?
            let code = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
            if code != SQLITE_OK {
                let message = errorMessage.map { String(cString: $0) } ?? "unknown error"
                sqlite3_free(errorMessage)
                throw SQLiteError.sqlite(code: code, message: message)
            }
        }
    }

    /// Runs one statement and returns every row it produces.
    func query(_ sql: String, _ bindings: [SQLiteValue]) throws -> [SQLiteRow] {
        try state.withLock { state in try Self.rows(sql, bindings, in: &state) }
    }

    private static func rows(_ sql: String, _ bindings: [SQLiteValue], in state: inout State) throws -> [SQLiteRow] {
        let statement = try prepare(sql, in: &state)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        try bind(bindings, to: statement, handle: state.handle)
        var rows: [SQLiteRow] = []
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else { throw error(code, state.handle) }
            rows.append(readRow(statement))
        }
        return rows
    }

    private static func run(_ sql: String, in state: inout State) throws {
        _ = try rows(sql, [], in: &state)
    }

    /// Runs several queries on one snapshot of the database (inside the caller's transaction, or a read
    /// transaction of their own) and returns the rows of each.
    func queries(_ statements: [(sql: String, bindings: [SQLiteValue])]) throws -> [[SQLiteRow]] {
        try state.withLock { state in
            guard let handle = state.handle else { throw SQLiteError.closed }
            let ownTransaction = sqlite3_get_autocommit(handle) != 0
            if ownTransaction { try Self.run("BEGIN", in: &state) }
            do {
                var results: [[SQLiteRow]] = []
                for statement in statements {
                    results.append(try Self.rows(statement.sql, statement.bindings, in: &state))
                }
                if ownTransaction { try Self.run("COMMIT", in: &state) }
                return results
            } catch {
                if ownTransaction { try? Self.run("ROLLBACK", in: &state) }
                throw error
            }
        }
    }

    /// Whether a transaction is open on this connection.
    var isInTransaction: Bool {
        state.withLock { state in state.handle.map { sqlite3_get_autocommit($0) == 0 } ?? false }
    }

    /// Runs one statement and returns how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ bindings: [SQLiteValue]) throws -> Int {
        try state.withLock { state in
            let statement = try Self.prepare(sql, in: &state)
            defer {
                sqlite3_reset(statement)
                sqlite3_clear_bindings(statement)
            }
            try Self.bind(bindings, to: statement, handle: state.handle)
            var code = sqlite3_step(statement)
            while code == SQLITE_ROW { code = sqlite3_step(statement) }
            guard code == SQLITE_DONE else { throw Self.error(code, state.handle) }
            return Int(sqlite3_changes(state.handle))
        }
    }

    func close() {
        state.withLock { state in
            for statement in state.statements.values { sqlite3_finalize(statement) }
            state.statements = [:]
            sqlite3_close_v2(state.handle)
            state.handle = nil
        }
    }

    private static func prepare(_ sql: String, in state: inout State) throws -> OpaquePointer {
        guard let handle = state.handle else { throw SQLiteError.closed }
        if let cached = state.statements[sql] { return cached }
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else { throw error(code, handle) }
        state.statements[sql] = statement
        return statement
    }

    private static func bind(_ values: [SQLiteValue], to statement: OpaquePointer, handle: OpaquePointer?) throws {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .null: code = sqlite3_bind_null(statement, index)
            case .integer(let number): code = sqlite3_bind_int64(statement, index, number)
            case .real(let number): code = sqlite3_bind_double(statement, index, number)
            case .text(let text):
                // An explicit byte count: with -1 SQLite would stop at the first NUL and store less than it was given.
                var text = text
                code = text.withUTF8 { bytes in
                    bytes.withMemoryRebound(to: CChar.self) { characters in
                        guard let base = characters.baseAddress else { return sqlite3_bind_text(statement, index, "", 0, transientDestructor) }
                        return sqlite3_bind_text(statement, index, base, Int32(characters.count), transientDestructor)
                    }
                }
            case .blob(let bytes):
                code = bytes.withUnsafeBytes { sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), transientDestructor) }
            }
            guard code == SQLITE_OK else { throw error(code, handle) }
        }
    }

    private static func readRow(_ statement: OpaquePointer) -> SQLiteRow {
        let count = sqlite3_column_count(statement)
        var values: [SQLiteValue] = []
        values.reserveCapacity(Int(count))
        for column in 0..<count {
            switch sqlite3_column_type(statement, column) {
            case SQLITE_INTEGER: values.append(.integer(sqlite3_column_int64(statement, column)))
            case SQLITE_FLOAT: values.append(.real(sqlite3_column_double(statement, column)))
            case SQLITE_TEXT:
                let length = Int(sqlite3_column_bytes(statement, column))
                let text = sqlite3_column_text(statement, column).map {
                    String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
                }
                values.append(.text(text ?? ""))
            case SQLITE_BLOB:
                let length = Int(sqlite3_column_bytes(statement, column))
                let bytes = sqlite3_column_blob(statement, column).map {
                    Array(UnsafeRawBufferPointer(start: $0, count: length))
                }
                values.append(.blob(bytes ?? []))
            default: values.append(.null)
            }
        }
        return SQLiteRow(values: values)
    }

    private static func error(_ code: Int32, _ handle: OpaquePointer?) -> SQLiteError {
        .sqlite(code: code, message: handle.map { String(cString: sqlite3_errmsg($0)) } ?? "unknown error")
    }
}

/// SQLITE_TRANSIENT: SQLite copies bound text and blobs before the call returns.
private let transientDestructor = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
