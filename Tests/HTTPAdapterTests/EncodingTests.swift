import Foundation
import Testing

@testable import HTTPAdapter

/// The hand-written encoders agree with Foundation's.
@Suite struct EncodingTests {
    /// Exact expectations: Foundation's formatter is no oracle here (it truncates 0.999 s to .998 through floating
    /// point, and uses the Julian calendar before 1582).
    @Test(
        arguments: [
            (0, "1970-01-01T00:00:00.000Z"),
            (999, "1970-01-01T00:00:00.999Z"),
            (-1, "1969-12-31T23:59:59.999Z"),
            (-1001, "1969-12-31T23:59:58.999Z"),
            (951_782_400_000, "2000-02-29T00:00:00.000Z"),
            (1_709_164_800_123, "2024-02-29T00:00:00.123Z"),
            (4_102_444_799_999, "2099-12-31T23:59:59.999Z"),
            (-62_135_596_800_000, "0001-01-01T00:00:00.000Z"),
            (1_764_000_000_123, "2025-11-24T16:00:00.123Z"),
        ] as [(Int64, String)])
    func timestampsAreISO8601WithMilliseconds(milliseconds: Int64, expected: String) {
        #expect(Timestamp.string(Date(millisecondsSince1970: milliseconds)) == expected)
    }

    @Test func uuidsAreWrittenInLowercase() {
        for _ in 0..<100 {
            let id = UUID()
            #expect(id.lowercaseString == id.uuidString.lowercased())
        }
    }

    @Test(arguments: ["plain", "two words", "100% & more", "ünïcödé", "a+b=c", ""])
    func queryEncodingRoundTrips(text: String) {
        #expect(QueryEncoding.decode(Substring(QueryEncoding.encode(text))) == text)
    }

    @Test func plusIsASpaceAndBadEscapesAreRefused() {
        #expect(QueryEncoding.decode("a+b%20c") == "a b c")
        #expect(QueryEncoding.decode("%zz") == nil)
        #expect(QueryEncoding.decode("%4") == nil)
        #expect(QueryEncoding.decode("%ff") == nil)
    }

    @Test func stringsAreEscapedAsJSONRequires() throws {
        var json = JSONWriter()
        json.string("quote\" backslash\\ newline\n tab\t nul\u{0} bell\u{7} ü")
        let text = String(buffer: json.buffer)
        let decoded = try JSONDecoder().decode(String.self, from: Data(text.utf8))
        #expect(decoded == "quote\" backslash\\ newline\n tab\t nul\u{0} bell\u{7} ü")
    }
}

@Suite struct BearerHeaderTests {
    @Test(arguments: [
        ("Bearer abc.def.ghi", "abc.def.ghi"), ("bearer abc", "abc"), ("BEARER   abc  ", "abc"), ("Bearer \tabc", "abc"),
    ])
    func theTokenIsTakenFromABearerCredential(header: String, token: String) {
        #expect(Authenticator.bearerToken(header) == token)
    }

    @Test(arguments: ["Bearer", "Bearer ", "Bearer    ", "Basic abc", "Bearerabc", "Token abc", ""])
    func anythingElseHasNoToken(header: String) {
        #expect(Authenticator.bearerToken(header) == nil)
    }
}
