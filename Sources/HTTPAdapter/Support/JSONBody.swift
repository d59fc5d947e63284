import Domain
import Foundation
import Hummingbird
import NIOCore

/// A JSON value as the client sent it, so that handlers can tell a missing field from a null one and report a
/// field of the wrong type by name.
enum JSONValue: Decodable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }
}

enum JSONBody {
    /// The request body as a JSON object, or a 400 that says exactly what is wrong with it.
    static func object(in context: AppRequestContext) throws -> [String: JSONValue] {
        guard let buffer = context.body, buffer.readableBytes > 0 else {
            throw HTTPProblem(status: .badRequest, message: "Request body must be a JSON object")
        }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView))
        } catch {
            throw HTTPProblem(status: .badRequest, message: "Malformed JSON in request body" + syntaxError(in: buffer))
        }
        guard case .object(let object) = value else {
            throw HTTPProblem(status: .badRequest, message: "Request body must be a JSON object")
        }
        return object
    }

    /// Where the JSON broke, in the parser's words (a position in the client's own input); only computed on
    /// this failure path.
    private static func syntaxError(in buffer: ByteBuffer) -> String {
        do {
            _ = try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView), options: [.fragmentsAllowed])
            return ""
        } catch {
            guard let description = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String else { return "" }
            return ": " + description
        }
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
