import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing

/// `/api/v1/jobs`: administrators see failed jobs (secrets masked), retry, delete and purge them, and read the
/// counts; everyone else is refused, and every action is audited.
@Suite struct JobsAPITests {
    /// Buries a job of `kind` with `payload` in the fixture's queue, failed at `at`.
    static func bury(_ identity: IdentityFixture, id: UUID, payload: [String: String], at: Date) async throws {
        await identity.jobs.enqueue(JobRequest(id: id, queue: "email", kind: "email.password_reset", payload: payload), now: at)
        let reservation = try #require(await identity.jobs.reserve(from: "email", lease: 60, now: at))
        _ = await identity.jobs.bury(reservation, error: "550 5.1.1 No such user", now: at)
    }

    @Test func administratorsSeeFailedJobsWithSecretsMaskedAndRetryDeleteAndPurgeThem() async throws {
        try await TestApp().test { client, identity in
            let admin = try await identity.bearer("root@example.com", role: .admin)
            let now = identity.clock.now()
            let old = UUID(uuidString: "00000000-0000-7000-8000-0000000000a1")!
            let recent = UUID(uuidString: "00000000-0000-7000-8000-0000000000a2")!
            try await Self.bury(
                identity, id: old, payload: ["email": "ada@example.com", "resetToken": "s3cr3t"], at: now.addingTimeInterval(-8 * 86_400))
            try await Self.bury(identity, id: recent, payload: ["email": "bob@example.com"], at: now)

            let list = try await client.get("/api/v1/jobs/failed?queue=email&limit=10", headers: admin)
            let stats = try await client.get("/api/v1/jobs/stats", headers: admin)
            let retried = try await client.execute(uri: "/api/v1/jobs/failed/\(recent)/retry", method: .post, headers: admin)
            let retriedAgain = try await client.execute(uri: "/api/v1/jobs/failed/\(recent)/retry", method: .post, headers: admin)
            let purged = try await client.execute(uri: "/api/v1/jobs/failed", method: .delete, headers: admin)
            let deletedMissing = try await client.execute(uri: "/api/v1/jobs/failed/\(old)", method: .delete, headers: admin)
            let counts = await identity.jobs.counts(now: now)["email"]

            #expect(list.status == .ok)
            let items = try #require(list.object["data"] as? [[String: Any]])
            #expect(items.map { $0["id"] as? String } == [recent.uuidString.lowercased(), old.uuidString.lowercased()])
            #expect((items[1]["payload"] as? [String: String]) == ["email": "ada@example.com", "resetToken": "***"])
            #expect(items[1]["lastError"] as? String == "550 5.1.1 No such user")
            #expect(!list.body.description.contains("s3cr3t"))
            let data = try #require(stats.object["data"] as? [String: Any])
            #expect((data["totals"] as? [String: Int])?["failed"] == 2)
            #expect(data["alert"] as? Bool == true)
            #expect(retried.status == .ok)
            #expect(retriedAgain.status == .notFound)
            #expect(purged.status == .ok)
            #expect((purged.object["data"] as? [String: Any])?["deleted"] as? Int == 1)
            #expect(deletedMissing.status == .notFound)
            #expect(counts == QueueCounts(waiting: 1))
            let actions = try await identity.database.auditLog.list(filter: AuditFilter(), page: PageRequest(page: 1, limit: 50)).items.map(\.action)
            #expect(actions.contains("admin.job_retry"))
            #expect(actions.contains("admin.jobs_purge"))
        }
    }

    @Test func healthReportsTheFailedJobsAgainstTheAlertThreshold() async throws {
        try await TestApp().test { client, identity in
            let quiet = try await client.get("/api/v1/health")
            for number in 1...2 {
                let id = UUID(uuidString: String(format: "00000000-0000-7000-8000-0000000000d%d", number))!
                try await Self.bury(identity, id: id, payload: ["email": "ada@example.com"], at: identity.clock.now())
            }
            let alerting = try await client.get("/api/v1/health")

            let before = try #require((quiet.object["data"] as? [String: Any])?["queue"] as? [String: Any])
            let after = try #require((alerting.object["data"] as? [String: Any])?["queue"] as? [String: Any])
            #expect(before["failed"] as? Int == 0)
            #expect(before["alert"] as? Bool == false)
            #expect(after["failed"] as? Int == 2)
            #expect(after["failedJobsAlertThreshold"] as? Int == 2)
            #expect(after["alert"] as? Bool == true)
        }
    }

    @Test func deletingAFailedJobRemovesIt() async throws {
        try await TestApp().test { client, identity in
            let admin = try await identity.bearer("root@example.com", role: .admin)
            let id = UUID(uuidString: "00000000-0000-7000-8000-0000000000b1")!
            try await Self.bury(identity, id: id, payload: ["email": "ada@example.com"], at: identity.clock.now())

            let deleted = try await client.execute(uri: "/api/v1/jobs/failed/\(id)", method: .delete, headers: admin)
            let list = try await client.get("/api/v1/jobs/failed", headers: admin)

            #expect(deleted.status == .ok)
            #expect((list.object["data"] as? [Any])?.isEmpty == true)
            #expect(
                try await identity.database.auditLog.list(filter: AuditFilter(action: "admin.job_delete"), page: PageRequest(page: 1, limit: 5)).total
                    == 1)
        }
    }

    @Test func everyoneElseIsRefusedAndTheAttemptAudited() async throws {
        try await TestApp().test { client, identity in
            let member = try await identity.bearer("member@example.com")
            let id = UUID(uuidString: "00000000-0000-7000-8000-0000000000c1")!
            try await Self.bury(identity, id: id, payload: ["email": "ada@example.com"], at: identity.clock.now())

            let anonymous = try await client.get("/api/v1/jobs/failed")
            let list = try await client.get("/api/v1/jobs/failed", headers: member)
            let stats = try await client.get("/api/v1/jobs/stats", headers: member)
            let retry = try await client.execute(uri: "/api/v1/jobs/failed/\(id)/retry", method: .post, headers: member)
            let purge = try await client.execute(uri: "/api/v1/jobs/failed", method: .delete, headers: member)

            #expect(anonymous.status == .unauthorized)
            #expect([list.status, stats.status, retry.status, purge.status] == [.forbidden, .forbidden, .forbidden, .forbidden])
            #expect(await identity.jobs.counts(now: identity.clock.now())["email"]?.dead == 1)
            let refusals = try await identity.database.auditLog.list(
                filter: AuditFilter(action: "admin.job_retry"), page: PageRequest(page: 1, limit: 5))
            #expect(refusals.items.first?.outcome == .failure)
        }
    }
}
