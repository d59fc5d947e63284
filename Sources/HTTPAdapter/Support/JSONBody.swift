import Domain
import Foundation
import Hummingbird
import NIOCore

/// A JSON value as the client sent it, so that handlers can tell a missing field from a null one and report a
/// field of the wrong type by name. Read by `JSONParser`.
enum JSONValue: Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

enum JSONBody {
    /// The request body as a JSON object, or a 400 that says exactly what is wrong with it.
    static func object(in context: AppRequestContext) throws -> [String: JSONValue] {
        guard let buffer = context.body, buffer.readableBytes > 0 else {
            throw HTTPProblem(status: .badRequest, message: "Request body must be a JSON object")
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(buffer.readableBytesView)
        } catch .duplicateKey(let key) {
            throw HTTPProblem(
                status: .badRequest,
                message: "Duplicate key \"\(key)\" in request body",
                errors: [FieldError(field: key, message: "\(key) must appear at most once")]
            )
        } catch .syntax(let reason, let offset) {
            throw HTTPProblem(status: .badRequest, message: "Malformed JSON in request body: \(reason) at byte \(offset)")
        }
        guard case .object(let object) = value else {
            throw HTTPProblem(status: .badRequest, message: "Request body must be a JSON object")
        }
        return object
    }
}

extension [String: JSONValue] {
    /// The string field `key`: absent, a value, or invalid (any other type) with a message naming it.
    func string(_ key: String) -> Field<String> {
        switch self[key] {
        case nil: .absent
        case .string(let value)?: .value(value)
        default: .invalid("\(key) must be a string")
        }
    }

    /// The boolean field `key`.
    func bool(_ key: String) -> Field<Bool> {
        switch self[key] {
        case nil: .absent
        case .bool(let value)?: .value(value)
        default: .invalid("\(key) must be true or false")
        }
    }

    /// The keys that are not in `allowed`.
    func unknownKeys(allowed: Set<String>) -> [String] {
        keys.filter { !allowed.contains($0) }
    }
}
