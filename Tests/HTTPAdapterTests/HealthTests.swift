import Domain
import Foundation
import HTTPAdapter
import HummingbirdTesting
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

    @Test func aHangingCheckIsReportedDownWithinItsTimeout() async throws {
        struct HangingCheck: DependencyCheck {
            let name = "database"
            func ping() async throws { try await Task.sleep(for: .seconds(60)) }
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
