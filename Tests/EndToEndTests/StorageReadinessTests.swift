import Foundation
import TestSupport
import Testing

/// `STORAGE_URL=s3://...` composed into the running service: the bucket is a readiness check, named `storage`.
@Suite struct StorageReadinessTests {
    @Test func readinessProbesTheBucketAndNamesStorageWhenItRefusesTheKey() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let url = environment["PORTSIDE_TEST_S3_SIGNED_URL"], !url.isEmpty else {
            let missing = "S3 readiness needs PORTSIDE_TEST_S3_SIGNED_URL (scripts/test.sh starts one)"
            if environment["CI"] == "true" { Issue.record("\(missing); CI must run it") } else { print("⚠️ SKIPPED: \(missing)") }
            return
        }
        let storage = [
            "STORAGE_URL": url, "STORAGE_ACCESS_KEY_ID": environment["PORTSIDE_TEST_S3_ACCESS_KEY_ID"] ?? "",
            "STORAGE_SECRET_ACCESS_KEY": environment["PORTSIDE_TEST_S3_SECRET_ACCESS_KEY"] ?? "",
        ]

        try await LiveServer.with(storage) { server in
            let ready = try await RawConnection.request(port: server.port, "GET", "/api/v1/health/ready")
            #expect(ready.status == 200)
            #expect(ready.body.contains(#""storage""#))
        }
        try await LiveServer.with(storage.merging(["STORAGE_SECRET_ACCESS_KEY": "not-the-secret"]) { $1 }) { server in
            let ready = try await RawConnection.request(port: server.port, "GET", "/api/v1/health/ready")
            #expect(ready.status == 503)
            #expect(ready.body.contains(#""storage""#))
            #expect(!ready.body.contains("not-the-secret"))
        }
    }
}
