import Domain
import Foundation
import HTTPAdapter
import HTTPTypes
import HummingbirdTesting
import Synchronization
import TestSupport
import Testing

@Suite struct HealthTests {
    @Test func healthReportsVersionUptimeTimestampAndEveryCheck() async throws {
        var app = TestApp()
        app.checks = [PassingCheck(name: "database"), PassingCheck(name: "queue")]
        try await app.test { client in
            let response = try await client.get("/api/v1/health")
            let data = try #require(response.object["data"] as? [String: Any])
            let checks = try #require(data["checks"] as? [String: [String: Any]])

            #expect(response.status == .ok)
            #expect(data["status"] as? String == "ok")
            #expect(data["version"] as? String == "9.9.9-test")
            #expect((data["uptime"] as? Double).map { $0 >= 0 } == true)
            #expect((data["timestamp"] as? String)?.hasSuffix("Z") == true)
            #expect(Set(checks.keys) == ["database", "queue"])
            #expect(checks["database"]?["status"] as? String == "up")
            #expect(checks["database"]?["latencyMs"] is Double || checks["database"]?["latencyMs"] is Int)
        }
    }

    @Test func aFailingCheckMakesHealthAndReadiness503() async throws {
        var app = TestApp()
        app.checks = [FailingCheck(name: "database")]
        try await app.test { client in
            let health = try await client.get("/api/v1/health")
            let ready = try await client.get("/api/v1/health/ready")
            let live = try await client.get("/api/v1/health/live")

            #expect(health.status == .serviceUnavailable)
            #expect(health.object["success"] as? Bool == false)
            let checks = (health.object["data"] as? [String: Any])?["checks"] as? [String: [String: Any]]
            #expect(checks?["database"]?["status"] as? String == "down")
            #expect(checks?["database"]?["error"] as? String == "unreachable")
            #expect(ready.status == .serviceUnavailable)
            #expect(live.status == .ok)
        }
    }

    @Test func resultsAreReusedForASecondSoProbesCannotHammerTheDatabase() async throws {
        final class CountingCheck: DependencyCheck {
            let name = "database"
            let count = Mutex(0)
            func ping() async throws { count.withLock { $0 += 1 } }
        }
        let check = CountingCheck()
        var app = TestApp()
        app.checks = [check]
        // A lifetime no loaded machine outlasts between five requests (one second in production).
        app.settings.healthCacheLifetime = .seconds(600)
        try await app.test { client in
            for _ in 0..<5 { _ = try await client.get("/api/v1/health/ready") }
        }
        #expect(check.count.withLock { $0 } == 1)
    }

    @Test func probesAnswerHEADToo() async throws {
        try await TestApp().test { client in
            let response = try await client.execute(uri: "/api/v1/health/live", method: .head)
            #expect(response.status == .ok)
            #expect(response.body.readableBytes == 0)
            #expect(response.headers[HTTPField.Name("X-Request-Id")!] != nil)
        }
    }

    @Test func readinessIs503WhileDraining() async throws {
        let app = TestApp()
        try await app.test { client in
            #expect(try await client.get("/api/v1/health/ready").status == .ok)
            app.readiness.startDraining()
            let response = try await client.get("/api/v1/health/ready")
            #expect(response.status == .serviceUnavailable)
            #expect((response.object["data"] as? [String: Any])?["status"] as? String == "draining")
            #expect(try await client.get("/api/v1/health/live").status == .ok)
        }
    }

    /// The check never returns and ignores cancellation: without a hard bound the request would hang and the time
    /// limit would fail the test.
    @Test(.timeLimit(.minutes(1)))
    func aHangingCheckIsReportedDownWithinItsTimeout() async throws {
        struct HangingCheck: DependencyCheck {
            let name = "database"
            func ping() async throws {
                await withCheckedContinuation { (_: CheckedContinuation<Void, Never>) in }
            }
        }
        var app = TestApp()
        app.checks = [HangingCheck()]
        try await app.test { client in
            let response = try await client.get("/api/v1/health")
            let checks = (response.object["data"] as? [String: Any])?["checks"] as? [String: [String: Any]]
            #expect(response.status == .serviceUnavailable)
            #expect(checks?["database"]?["error"] as? String == "timed out")
        }
    }
}
