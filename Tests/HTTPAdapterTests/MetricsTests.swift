import Foundation
import HTTPAdapter
import HTTPTypes
import HummingbirdTesting
import Prometheus
import TestSupport
import Testing

@Suite struct MetricsTests {
    /// A test app whose `/metrics` renders its own registry.
    static func app(token: String? = nil) -> TestApp {
        let registry = PrometheusCollectorRegistry()
        var app = TestApp()
        app.requestMetrics = RequestMetrics(factory: PrometheusMetricsFactory(registry: registry))
        app.metricsEndpoint = MetricsEndpoint(token: token, render: { registry.emitToString() })
        return app
    }

    /// The sample lines of `metric` in a Prometheus text exposition.
    static func samples(_ text: String, _ metric: String) -> [Substring] {
        text.split(separator: "\n").filter { $0.hasPrefix(metric + "{") || $0.hasPrefix(metric + " ") }
    }

    @Test func requestsAreCountedByMethodRouteTemplateAndStatusNeverByRawPath() async throws {
        try await Self.app().test { client in
            let ids = (0..<5).map { _ in UUID().uuidString.lowercased() }
            for id in ids { _ = try await client.get("/api/v1/examples/\(id)") }
            _ = try await client.get("/api/v1/health/live")
            _ = try await client.get("/no/such/\(ids[0])")
            let metrics = try await client.get("/metrics")

            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            let text = String(buffer: metrics.body)
            for id in ids { #expect(!text.contains(id)) }
            let examples = Self.samples(text, "portside_http_requests_total").filter { $0.contains("route=\"/api/v1/examples/") }
            #expect(examples.count == 1)
            #expect(examples.first?.contains("method=\"GET\"") == true)
            #expect(examples.first?.contains("status=\"404\"") == true)
            #expect(examples.first?.hasSuffix(" 5") == true)
            #expect(
                Self.samples(text, "portside_http_requests_total").contains { $0.contains("route=\"/api/v1/health/live\"") && $0.hasSuffix(" 1") })
            #expect(Self.samples(text, "portside_http_requests_total").contains { $0.contains("route=\"NotFound\"") && $0.hasSuffix(" 1") })
            #expect(Self.samples(text, "portside_http_request_duration_seconds_count").contains { $0.contains("/api/v1/health/live") })
            // The scrape itself is in flight while it renders.
            #expect(Self.samples(text, "portside_http_requests_in_flight") == ["portside_http_requests_in_flight 1.0"])
        }
    }

    @Test func methodsOutsideTheStandardOnesShareOneLabel() {
        #expect(RequestMetrics.methodLabel(.get) == "GET")
        #expect(RequestMetrics.methodLabel(.delete) == "DELETE")
        #expect(RequestMetrics.methodLabel(HTTPRequest.Method("PURGE")!) == "OTHER")
        #expect(RequestMetrics.methodLabel(HTTPRequest.Method("X-\(UUID().uuidString)")!) == "OTHER")
    }

    @Test func theErrorRateTotalsLeaveOutProbesAndScrapesAndOutliveTheSeries() async throws {
        let registry = PrometheusCollectorRegistry()
        let metrics = RequestMetrics(factory: PrometheusMetricsFactory(registry: registry), recordsSeries: false)
        var app = TestApp()
        app.requestMetrics = metrics
        try await app.test { client in
            for _ in 0..<3 { _ = try await client.get("/api/v1/health/live") }
            _ = try await client.get("/api/v1/examples")
            _ = try await client.get("/api/v1/examples/not-a-uuid")
        }
        #expect(metrics.totals.answered == 2)
        #expect(metrics.totals.serverErrors == 0)
        #expect(!registry.emitToString().contains("portside_http_requests_total"))
    }

    @Test func aConfiguredTokenIsRequiredAsABearerCredential() async throws {
        let token = "metrics-token-0123456789"
        try await Self.app(token: token).test { client in
            let missing = try await client.get("/metrics")
            let wrong = try await client.get("/metrics", headers: [.authorization: "Bearer metrics-token-0123456780"])
            let short = try await client.get("/metrics", headers: [.authorization: "Bearer metrics"])
            let right = try await client.get("/metrics", headers: [.authorization: "Bearer \(token)"])

            #expect(missing.status == .unauthorized)
            #expect(missing.headers[.wwwAuthenticate] == "Bearer")
            #expect(wrong.status == .unauthorized)
            #expect(short.status == .unauthorized)
            #expect(right.status == .ok)
            #expect(String(buffer: right.body).contains("portside_http_requests_total"))
        }
    }

    @Test func withoutAnEndpointThereIsNoMetricsRoute() async throws {
        try await TestApp().test { client in
            let response = try await client.get("/metrics")
            #expect(response.status == .notFound)
        }
    }
}
