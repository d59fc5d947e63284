import Foundation
import Logging
import RedisAdapter
import TestSupport
import Testing

/// `portside worker` as production runs it: its own process beside `portside serve`, both on one Redis queue.
@Suite(.serialized) struct WorkerProcessTests {
    @Test func aSeparateWorkerSendsTheEmailsThatServeQueues() async throws {
        guard BinaryTests.requireBinary(), let redis = Self.redisURL() else { return }
        let port = try freePort()
        let metricsPort = try freePort()
        let mail = FileManager.default.temporaryDirectory.appendingPathComponent("portside-worker-mail-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: mail) }
        let environment = LiveServer.environment(
            databasePath: temporaryDatabasePath(),
            [
                "PORT": "\(port)", "REDIS_URL": redis, "REDIS_KEY_PREFIX": RedisTestEnvironment.freshPrefix(), "WORKER_MODE": "off",
                "MAIL_URL": "file:\(mail.path)", "LOG_LEVEL": "info", "WORKER_METRICS_PORT": "\(metricsPort)",
                "METRICS_TOKEN": "worker-metrics-token-0123",
            ])
        let serveOutput = Pipe()
        let serve = try BinaryTests.launch(["serve"], environment: environment, output: serveOutput)
        defer { if serve.isRunning { serve.terminate() } }
        try await Self.waitUntilLive(port: port)
        let workerOutput = Pipe()
        let worker = try BinaryTests.launch(["worker"], environment: environment, output: workerOutput)
        defer { if worker.isRunning { worker.terminate() } }

        let body = #"{"name":"Ada","email":"ada@example.com","password":"Passw0rd!"}"#
        let registered = try await RawConnection.request(port: port, "POST", "/api/v1/auth/register", body: body)
        let delivered = try await withTimeout(20) {
            while true {
                let files = (try? FileManager.default.contentsOfDirectory(atPath: mail.path)) ?? []
                if let file = files.first(where: { $0.hasSuffix(".eml") }) {
                    return try String(contentsOf: mail.appendingPathComponent(file), encoding: .utf8)
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        // The worker's own port: its job metrics, behind the token, and its liveness.
        let scrape = {
            try await RawConnection.request(port: metricsPort, "GET", "/metrics", headers: ["Authorization": "Bearer worker-metrics-token-0123"])
        }
        var workerMetrics = try await scrape()
        for _ in 0..<50 where !workerMetrics.body.contains(#"portside_jobs_processed_total{queue="email",outcome="completed"} 1"#) {
            try await Task.sleep(for: .milliseconds(100))
            workerMetrics = try await scrape()
        }
        let unauthorised = try await RawConnection.request(port: metricsPort, "GET", "/metrics")
        let live = try await RawConnection.request(port: metricsPort, "GET", "/health/live")
        kill(worker.processIdentifier, SIGTERM)
        kill(serve.processIdentifier, SIGTERM)
        let stopped = try await withTimeout(30) {
            while worker.isRunning || serve.isRunning { try await Task.sleep(for: .milliseconds(100)) }
            return true
        }
        let workerLog = String(decoding: workerOutput.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)

        #expect(registered.status == 201)
        #expect(delivered.contains("To: ada@example.com"))
        #expect(delivered.contains("Subject: Confirm your email address"))
        #expect(stopped)
        #expect(worker.terminationStatus == 0)
        #expect(serve.terminationStatus == 0)
        #expect(workerLog.contains("portside worker starting"))
        #expect(workerMetrics.body.contains(#"portside_jobs_processed_total{queue="email",outcome="completed"} 1"#))
        #expect(workerMetrics.body.contains(#"portside_jobs{queue="email",state="dead"} 0.0"#))
        #expect(unauthorised.status == 401)
        #expect(live.status == 200)
    }

    @Test func aWorkerKilledInTheMiddleOfAJobLeavesItToAnotherThatSendsItOnceAfterTheLease() async throws {
        guard BinaryTests.requireBinary(), let redis = Self.redisURL(), let sink = Self.smtpSink() else { return }
        // Worker A reaches the mail server through a proxy that never answers: its conversation hangs mid-job.
        let proxy = try await TCPProxy.start(forwardingTo: "127.0.0.1", port: sink.startTLSPort)
        defer { Task { await proxy.close() } }
        try await proxy.cut(.silent)
        let port = try freePort()
        let prefix = RedisTestEnvironment.freshPrefix()
        let environment = LiveServer.environment(
            databasePath: temporaryDatabasePath(),
            [
                "PORT": "\(port)", "REDIS_URL": redis, "REDIS_KEY_PREFIX": prefix, "WORKER_MODE": "off",
                "JOB_LEASE": "3s", "MAIL_FROM": "Portside <no-reply@portside.example>", "LOG_LEVEL": "info",
            ])
        let serve = try BinaryTests.launch(["serve"], environment: environment, output: Pipe())
        defer { if serve.isRunning { serve.terminate() } }
        try await Self.waitUntilLive(port: port)
        let stalled = environment.merging(["MAIL_URL": sink.url(port: proxy.port)]) { $1 }
        let workerA = try BinaryTests.launch(["worker"], environment: stalled, output: Pipe())
        defer { if workerA.isRunning { kill(workerA.processIdentifier, SIGKILL) } }

        let recipient = "ada-\(UUID().uuidString.prefix(8).lowercased())@example.com"
        let body = #"{"name":"Ada","email":"\#(recipient)","password":"Passw0rd!"}"#
        let registered = try await RawConnection.request(port: port, "POST", "/api/v1/auth/register", body: body)
        // A holds the job (it is active in Redis under A's lease) and waits on the server when it is killed.
        let client = RedisClient(url: try RedisURL(redis), poolSize: 1, logger: Logger(label: "drill"))
        let heldByA = try await withTimeout(15) {
            while try await client.send(["ZCARD", prefix + "active:email"]) != .integer(1) { try await Task.sleep(for: .milliseconds(100)) }
            return true
        }
        await client.close()
        kill(workerA.processIdentifier, SIGKILL)
        let workerB = try BinaryTests.launch(
            ["worker"], environment: environment.merging(["MAIL_URL": sink.url(port: sink.startTLSPort)]) { $1 }, output: Pipe())
        defer { if workerB.isRunning { workerB.terminate() } }

        let deliveredOnce = try await withTimeout(30) {
            while sink.deliveries(to: recipient) == 0 { try await Task.sleep(for: .milliseconds(200)) }
            return true
        }
        try await Task.sleep(for: .seconds(4))  // longer than a lease: a second delivery would have happened by now

        #expect(registered.status == 201)
        #expect(heldByA)
        #expect(deliveredOnce)
        #expect(sink.deliveries(to: recipient) == 1)
    }

    @Test func twoServeProcessesOnOneRedisShareOneRateLimit() async throws {
        guard BinaryTests.requireBinary(), let redis = Self.redisURL() else { return }
        let ports = [try freePort(), try freePort()]
        let prefix = RedisTestEnvironment.freshPrefix()
        var processes: [Process] = []
        defer { for process in processes where process.isRunning { process.terminate() } }
        for port in ports {
            let environment = LiveServer.environment(
                databasePath: temporaryDatabasePath(), ["PORT": "\(port)", "REDIS_URL": redis, "REDIS_KEY_PREFIX": prefix, "RATE_LIMIT_MAX": "10"])
            processes.append(try BinaryTests.launch(["serve"], environment: environment, output: Pipe()))
        }
        for port in ports { try await Self.waitUntilLive(port: port) }

        var statuses: [Int] = []
        for index in 0..<16 {
            statuses.append(try await RawConnection.request(port: ports[index % 2], "GET", "/api/v1/examples").status)
        }

        // waitUntilLive's probes count too, on the same per-address limit; the rest is split between the processes.
        #expect(statuses.filter { $0 == 429 }.count >= 6)
        #expect(statuses.filter { $0 == 200 }.count <= 10)
        #expect(statuses.allSatisfy { $0 == 200 || $0 == 429 })
    }

    @Test func aWorkerWithoutRedisRefusesToStart() async throws {
        guard BinaryTests.requireBinary() else { return }
        let output = Pipe()
        let worker = try BinaryTests.launch(
            ["worker"], environment: LiveServer.environment(databasePath: temporaryDatabasePath(), [:]), output: output)
        let exited = try await withTimeout(20) {
            while worker.isRunning { try await Task.sleep(for: .milliseconds(100)) }
            return true
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)

        #expect(exited)
        #expect(worker.terminationStatus != 0)
        #expect(text.contains("portside worker needs REDIS_URL"))
    }

    /// The test Redis, or nil: skipped loudly here, failed under CI.
    static func redisURL() -> String? {
        if let url = RedisTestEnvironment.url { return url }
        if RedisTestEnvironment.isRequired {
            Issue.record("PORTSIDE_TEST_REDIS_URL is missing; CI must run the worker tests")
        } else {
            print(RedisTestEnvironment.skipMessage)
        }
        return nil
    }

    /// The SMTP sink of this run (scripts/services/smtp.sh), or nil: skipped loudly here, failed under CI.
    static func smtpSink() -> SMTPSink? {
        if let sink = SMTPSink.fromEnvironment { return sink }
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record("PORTSIDE_TEST_SMTP_* are missing; CI must run the worker drills")
        } else {
            print("⚠️  SKIPPED: worker drills need PORTSIDE_TEST_SMTP_* (scripts/test.sh starts an SMTP sink)")
        }
        return nil
    }

    static func waitUntilLive(port: Int) async throws {
        for _ in 0..<150 {
            if (try? await RawConnection.request(port: port, "GET", "/api/v1/health/live"))?.status == 200 { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw TestFailure("serve did not come up on port \(port)")
    }
}

extension SMTPSink {
    /// How many messages the sink accepted for `recipient`.
    func deliveries(to recipient: String) -> Int {
        (try? messages(to: recipient).count) ?? 0
    }
}
