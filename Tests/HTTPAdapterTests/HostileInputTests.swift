import NIOHTTP1
import Testing

@testable import HTTPAdapter

/// Header values that reach code written for well-behaved clients.
@Suite struct HostileInputTests {
    @Test func traceHeadersThatAreNotPrintableASCIIAreDroppedBeforeATracerSeesThem() {
        let combining = String(repeating: "a\u{338}", count: 100) + "=v"
        var headers = HTTPHeaders([
            ("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), ("tracestate", combining),
            ("x-other", combining),
        ])
        HTTP1Guard.dropUnreadableTraceHeaders(&headers)
        #expect(headers["traceparent"] == ["00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"])
        #expect(headers["tracestate"].isEmpty)
        #expect(headers["x-other"] == [combining])
    }

    @Test func overlongTraceHeadersAreDroppedAndOrdinaryOnesKept() {
        var headers = HTTPHeaders([("traceparent", String(repeating: "0", count: 513)), ("tracestate", "vendor=value,other@tenant=x")])
        HTTP1Guard.dropUnreadableTraceHeaders(&headers)
        #expect(headers["traceparent"].isEmpty)
        #expect(headers["tracestate"] == ["vendor=value,other@tenant=x"])
    }

    @Test func aUserAgentIsKeptToItsFirst512BytesWhateverItsCharacters() {
        let oneCharacter = "a" + String(repeating: "\u{301}", count: 40_000)
        let bounded = AppRequestContext.boundedUserAgent(oneCharacter)
        #expect(bounded.utf8.count <= 512)
        #expect(bounded.utf8.count >= 511)
        #expect(bounded.unicodeScalars.first == "a")
        #expect(AppRequestContext.boundedUserAgent("curl/8.5.0") == "curl/8.5.0")
    }
}
