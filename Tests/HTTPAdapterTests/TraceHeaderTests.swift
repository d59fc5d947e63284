import Foundation
import HTTPTypes
import HummingbirdTesting
import Telemetry
import TestSupport
import Testing

@Suite struct TraceHeaderTests {
    @Test func aW3CTraceparentIsParsedAndAnythingElseIsRefused() {
        let valid = TraceHeaders.parse(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        #expect(valid?.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(valid?.spanID == "00f067aa0ba902b7")
        // A later version may append fields; version 00 may not.
        #expect(TraceHeaders.parse(traceparent: "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra") != nil)
        for invalid in [
            "", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
        ] {
            #expect(TraceHeaders.parse(traceparent: invalid) == nil, "\(invalid)")
        }
    }

    @Test func withoutATracerTheIncomingTraceIDIsOnEveryLogLineOfTheRequest() async throws {
        let capture = LogCapture()
        try await TestApp().test(logger: capture.logger()) { client, _ in
            _ = try await client.get(
                "/api/v1/health/live",
                headers: [
                    HTTPField.Name("traceparent")!: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                    HTTPField.Name("X-Request-Id")!: "traced-request",
                ])
            _ = try await client.get(
                "/api/v1/health/live",
                headers: [HTTPField.Name("traceparent")!: "garbage", HTTPField.Name("X-Request-Id")!: "untraced-request"])
        }
        let traced = capture.all.filter { $0.contains("traced-request") && !$0.contains("untraced") }
        let untraced = capture.all.filter { $0.contains("untraced-request") }
        #expect(!traced.isEmpty)
        #expect(traced.allSatisfy { $0.contains("4bf92f3577b34da6a3ce929d0e0e4736") })
        #expect(!untraced.isEmpty)
        #expect(untraced.allSatisfy { !$0.contains("traceId") })
    }

    @Test func withoutATracerNoHeadersAreInjected() {
        #expect(TraceHeaders.current().isEmpty)
    }
}
