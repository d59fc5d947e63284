import Foundation
import Testing

@testable import HTTPAdapter

/// The request-body parser on hostile input: every malformed body is a failure with a reason, never a trap.
@Suite struct JSONParserTests {
    private func parse(_ text: String) throws(JSONParser.Failure) -> JSONValue {
        try JSONParser.parse(Array(text.utf8))
    }

    @Test func wellFormedValuesAreRead() throws {
        let value = try parse(#" {"a": [1, -2.5e3, true, false, null], "b": "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00", "c": {}} "#)
        #expect(
            value
                == .object([
                    "a": .array([.number(1), .number(-2500), .bool(true), .bool(false), .null]),
                    "b": .string("x\"\\/\u{08}\u{0C}\n\r\t\u{E9}\u{1F600}"),
                    "c": .object([:]),
                ]))
    }

    @Test(arguments: [
        (#"{"password":"bad","password":"good"}"#, "password"),
        (#"{"password":"bad","pass\u0077ord":"good"}"#, "password"),
        (#"{"outer":{"k":1,"k":2}}"#, "k"),
    ])
    func aKeyRepeatedInOneObjectIsRefused(body: String, key: String) {
        #expect(throws: JSONParser.Failure.duplicateKey(key)) { try parse(body) }
    }

    @Test func theSameKeyInSiblingObjectsIsFine() throws {
        #expect(try parse(#"[{"k":1},{"k":2}]"#) == .array([.object(["k": .number(1)]), .object(["k": .number(2)])]))
    }

    @Test(arguments: [
        ("", "unexpected end of input", 0),
        ("{", "unexpected end of input", 1),
        (#"{"a":1,}"#, "expected a string key", 7),
        (#"{"a" 1}"#, "expected ':' after a key", 5),
        ("[1 2]", "expected ',' or ']' in an array", 3),
        ("01", "unexpected data after the JSON value", 1),
        ("1.", "invalid number", 2),
        ("-", "invalid number", 1),
        ("1e999", "number out of range", 0),
        ("nul", "invalid value", 0),
        ("{a:1}", "expected a string key", 1),
        (#""\x""#, "invalid escape in a string", 2),
        (#""\u12""#, "invalid \\u escape", 5),
        (#""\ud800""#, "unpaired surrogate in \\u escape", 7),
        (#""\udc00""#, "unpaired surrogate in \\u escape", 7),
        (#""\ud800\u0041""#, "unpaired surrogate in \\u escape", 13),
        ("\"a\u{01}\"", "control character in a string", 2),
        ("\"abc", "unterminated string", 4),
        ("{} {}", "unexpected data after the JSON value", 3),
    ])
    func malformedInputNamesWhatAndWhere(body: String, reason: String, offset: Int) {
        #expect(throws: JSONParser.Failure.syntax(reason, offset: offset)) { try parse(body) }
    }

    @Test func invalidUTF8InAStringIsRefused() {
        let bytes: [UInt8] = [0x22, 0xC3, 0x28, 0x22]
        #expect(throws: JSONParser.Failure.syntax("string is not valid UTF-8", offset: 4)) { try JSONParser.parse(bytes) }
    }

    @Test func nestingIsBoundedInsteadOfExhaustingTheStack() throws {
        let allowed = String(repeating: "[", count: JSONParser.maximumDepth) + String(repeating: "]", count: JSONParser.maximumDepth)
        _ = try parse(allowed)
        let hostile = String(repeating: "[", count: 100_000)
        #expect(throws: JSONParser.Failure.syntax("nested deeper than 64 levels", offset: 64)) { try parse(hostile) }
        let objects = String(repeating: #"{"a":"#, count: 100_000)
        #expect(throws: JSONParser.Failure.self) { try parse(objects) }
    }
}
