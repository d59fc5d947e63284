import Foundation
import Hummingbird
import Logging
import Synchronization
import TestSupport
import Testing

/// A local OTLP/HTTP collector: keeps every export the service sends to `/v1/traces` and `/v1/metrics` (JSON).
final class OTLPCollector: Sendable {
    struct Span: Sendable {
        let traceID: String
        let spanID: String
        let parentSpanID: String
        let name: String
        let kind: Int
    }

    private let traces = Mutex<[Data]>([])
    private let metrics = Mutex<[Data]>([])

    var metricExports: [String] { metrics.withLock { $0 }.map { String(decoding: $0, as: UTF8.self) } }

    /// Every span received. swift-otel's JSON carries ids as base64 (protobuf's JSON mapping); they are hex here.
    var spans: [Span] {
        traces.withLock { $0 }.flatMap { data -> [Span] in
            guard let export = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [] }
            let resourceSpans = export["resourceSpans"] as? [[String: Any]] ?? []
            return resourceSpans.flatMap { resource in
                (resource["scopeSpans"] as? [[String: Any]] ?? []).flatMap { scope in
                    (scope["spans"] as? [[String: Any]] ?? []).map { span in
                        Span(
                            traceID: Self.hex(span["traceId"]), spanID: Self.hex(span["spanId"]), parentSpanID: Self.hex(span["parentSpanId"]),
                            name: span["name"] as? String ?? "", kind: span["kind"] as? Int ?? 0)
                    }
                }
            }
        }
    }

    static func hex(_ value: Any?) -> String {
        guard let text = value as? String, let bytes = Data(base64Encoded: text) else { return "" }
        return bytes.map { String(format: "%02x", $0) }.joined()
    }

    func run(_ body: @Sendable (_ port: Int) async throws -> Void) async throws {
        let router = Router()
        router.post("/v1/traces") { request, _ -> Response in
            let buffer = try await request.body.collect(upTo: 16 * 1024 * 1024)
            self.traces.withLock { $0.append(Data(buffer: buffer)) }
            return Self.accepted
        }
        router.post("/v1/metrics") { request, _ -> Response in
            let buffer = try await request.body.collect(upTo: 16 * 1024 * 1024)
            self.metrics.withLock { $0.append(Data(buffer: buffer)) }
            return Self.accepted
        }
        try await withLocalHTTPServer(router, body)
    }

    private static var accepted: Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: "{}")))
    }
}

@Suite(.serialized) struct ObservabilityTests {
    static let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
    static let callerSpanID = "00f067aa0ba902b7"
    static let traceparent = "00-\(traceID)-\(callerSpanID)-01"

    /// Polls `condition` every 100 ms, for at most `seconds`.
    static func eventually(_ seconds: Int = 20, _ condition: @Sendable () async throws -> Bool) async throws -> Bool {
        for _ in 0..<(seconds * 10) {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    @Test func aRequestAndTheJobItAskedForAreOneTraceExportedOverOTLP() async throws {
        guard BinaryTests.requireBinary() else { return }
        let collector = OTLPCollector()
        try await collector.run { collectorPort in
            let port = try freePort()
            let output = Pipe()
            let environment = LiveServer.environment(
                databasePath: temporaryDatabasePath(),
                [
                    "PORT": "\(port)", "LOG_FORMAT": "json", "LOG_LEVEL": "info", "REQUIRE_EMAIL_VERIFICATION": "true",
                    "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(collectorPort)", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json",
                    "OTEL_BSP_SCHEDULE_DELAY": "100", "OTEL_METRIC_EXPORT_INTERVAL": "500",
                ])
            let process = try BinaryTests.launch(["serve"], environment: environment, output: output)
            defer { if process.isRunning { process.terminate() } }
            let started = try await Self.eventually {
                (try? await RawConnection.request(port: port, "GET", "/api/v1/health/live")) != nil
            }
            try #require(started)

            let registered = try await RawConnection.request(
                port: port, "POST", "/api/v1/auth/register",
                headers: ["traceparent": Self.traceparent, "X-Request-Id": "traced-registration"],
                body: #"{"name":"Ada","email":"ada@example.com","password":"Passw0rd!"}"#)
            #expect(registered.status == 201)

            // The registration asked for a verification email: its job runs in this process's worker.
            let chained = try await Self.eventually {
                collector.spans.contains { $0.traceID == Self.traceID && $0.name == "job email.verification" }
            }
            let metricsExported = try await Self.eventually { collector.metricExports.contains { $0.contains("portside_http_requests_total") } }
            kill(process.processIdentifier, SIGTERM)
            _ = try await Self.eventually { !process.isRunning }

            #expect(chained)
            let spans = collector.spans.filter { $0.traceID == Self.traceID }
            let server = try #require(spans.first { $0.name == "/api/v1/auth/register" })
            let job = try #require(spans.first { $0.name == "job email.verification" })
            // The caller's span is the request's parent; the request's span is the job's parent.
            #expect(server.parentSpanID == Self.callerSpanID)
            #expect(server.kind == 2)
            #expect(job.parentSpanID == server.spanID)
            #expect(job.kind == 5)
            #expect(metricsExported)

            // Every log line of the request carries the trace id.
            let lines = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")
            let requestLines = lines.filter { $0.contains("traced-registration") }
            #expect(!requestLines.isEmpty)
            #expect(requestLines.allSatisfy { $0.contains("\"traceId\":\"\(Self.traceID)\"") })
        }
    }

    @Test func metricsCountRequestsJobsAndTheProcess() async throws {
        try await LiveServer.with(["REQUIRE_EMAIL_VERIFICATION": "true"]) { server in
            _ = try await RawConnection.request(
                port: server.port, "POST", "/api/v1/auth/register", body: #"{"name":"Ada","email":"ada@example.com","password":"Passw0rd!"}"#)
            let ids = (0..<3).map { _ in UUID().uuidString.lowercased() }
            for id in ids { _ = try await RawConnection.request(port: server.port, "GET", "/api/v1/examples/\(id)") }

            let completed = try await Self.eventually {
                let text = try await RawConnection.request(port: server.port, "GET", "/metrics").body
                return text.contains(#"portside_jobs_processed_total{queue="email",outcome="completed"} 1"#)
            }
            let metrics = try await RawConnection.request(port: server.port, "GET", "/metrics")

            #expect(completed)
            #expect(metrics.status == 200)
            let text = metrics.body
            #expect(text.contains(#"portside_http_requests_total{method="POST",route="/api/v1/auth/register",status="201"} 1"#))
            #expect(text.contains(#"portside_job_duration_seconds_count{queue="email",outcome="completed"} 1"#))
            for id in ids { #expect(!text.contains(id)) }
            #expect(Self.value(text, "process_resident_memory_bytes").map { $0 > 1_000_000 } == true)
            #expect(Self.value(text, "process_open_fds").map { $0 > 0 } == true)
            #expect(Self.value(text, "portside_password_hash_queue_depth") == 0)
            #expect(text.contains("portside_http_requests_in_flight"))
        }
    }

    @Test func metricsNeedTheTokenWhenOneIsConfigured() async throws {
        let token = "scrape-token-for-the-tests"
        try await LiveServer.with(["METRICS_TOKEN": token]) { server in
            let open = try await RawConnection.request(port: server.port, "GET", "/metrics")
            let scraped = try await RawConnection.request(port: server.port, "GET", "/metrics", headers: ["Authorization": "Bearer \(token)"])
            #expect(open.status == 401)
            #expect(scraped.status == 200)
            #expect(scraped.body.contains("process_open_fds"))
        }
    }

    /// The value of an unlabelled sample.
    static func value(_ text: String, _ metric: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(metric + " ") }.flatMap { Double($0.split(separator: " ")[1]) }
    }
}
