import Foundation
import TestSupport
import Testing

/// Failure drills on PostgreSQL: the database goes away under a running service (stopped, or silent as behind a
/// network partition) and comes back. The bounds on durations are hang guards, not performance thresholds: health
/// checks take at most 2 s and are cached for 1 s, statements wait at most the query timeout (2 s here), and without
/// those deadlines a request would wait a minute for the pool or as long as TCP keeps a silent connection; a bound of
/// 30 s tells the two apart on however loaded a machine.
@Suite(.serialized, .timeLimit(.minutes(3))) struct PostgresDrillTests {
    static let hangGuard = Duration.seconds(30)

    @Test(arguments: TCPProxy.Outage.allCases)
    func whilePostgreSQLIsDownHealthAndTheAPIAnswer503QuicklyAndLivenessStays200(outage: TCPProxy.Outage) async throws {
        try await PostgresDrill.run { drill in
            let bearer = try await drill.server.bearer()
            #expect(try await drill.call("POST", "/api/v1/examples", #"{"name":"Before"}"#, authorization: bearer).status == 201)
            #expect(try await drill.call("GET", "/api/v1/health/ready").status == 200)

            try await drill.proxy.cut(outage)

            // Several at once, before anything else notices the outage: some lease a connection the pool still holds.
            try await withThrowingTaskGroup(of: (String, RawResponse, Duration).self) { group in
                for (path, authorization) in [
                    ("/api/v1/examples", nil), ("/api/v1/users/me", bearer), ("/api/v1/examples", nil), ("/api/v1/users/me", bearer),
                ] {
                    group.addTask {
                        let (response, elapsed) = try await drill.timedCall("GET", path, authorization: authorization)
                        return (path, response, elapsed)
                    }
                }
                for try await (path, response, elapsed) in group {
                    #expect(response.isUnavailableEnvelope, "\(path): \(response.status) \(response.body)")
                    #expect(elapsed < Self.hangGuard, "\(path) took \(elapsed)")
                }
            }

            let (ready, _) = try await drill.poll("/api/v1/health/ready", until: 503)
            #expect(ready.json["success"] as? Bool == false)
            #expect(ready.databaseCheck == "down")
            let (health, healthAfter) = try await drill.timedCall("GET", "/api/v1/health")
            #expect(health.status == 503)
            #expect(health.databaseCheck == "down")
            #expect(healthAfter < Self.hangGuard)
            #expect(try await drill.call("GET", "/api/v1/health/live").status == 200)

            for (path, authorization) in [("/api/v1/examples", nil), ("/api/v1/users/me", bearer)] {
                let (response, elapsed) = try await drill.timedCall("GET", path, authorization: authorization)
                #expect(response.isUnavailableEnvelope, "\(path): \(response.status) \(response.body)")
                #expect(elapsed < Self.hangGuard, "\(path) took \(elapsed)")
            }
            #expect(try await drill.call("GET", "/api/v1/health/live").status == 200)
        }
    }

    @Test(arguments: TCPProxy.Outage.allCases)
    func whenPostgreSQLComesBackTheServiceRecoversWithoutARestart(outage: TCPProxy.Outage) async throws {
        try await PostgresDrill.run { drill in
            let bearer = try await drill.server.bearer()
            #expect(try await drill.call("POST", "/api/v1/examples", #"{"name":"Before"}"#, authorization: bearer).status == 201)
            try await drill.proxy.cut(outage)
            let (_, downAfter) = try await drill.poll("/api/v1/health/ready", until: 503)
            // At most the 1 s the last answer is cached plus the 2 s the check may take, far below the guard.
            #expect(downAfter < Self.hangGuard, "took \(downAfter)")
            #expect(try await drill.call("GET", "/api/v1/examples").isUnavailableEnvelope)

            try await drill.proxy.restore()

            let (ready, readyAfter) = try await drill.poll("/api/v1/health/ready", until: 200)
            #expect(ready.databaseCheck == "up")
            #expect(readyAfter < Self.hangGuard, "took \(readyAfter)")
            #expect(try await drill.call("GET", "/api/v1/health").status == 200)
            let listed = try await drill.call("GET", "/api/v1/examples")
            #expect(listed.status == 200)
            #expect((listed.json["data"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Before"])
            #expect(try await drill.call("GET", "/api/v1/users/me", authorization: bearer).status == 200)
            #expect(try await drill.call("POST", "/api/v1/examples", #"{"name":"After"}"#, authorization: bearer).status == 201)
        }
    }

    @Test(arguments: TCPProxy.Outage.allCases)
    func writesRefusedDuringAnOutageLeaveNothingHalfWritten(outage: TCPProxy.Outage) async throws {
        try await PostgresDrill.run { drill in
            let bearer = try await drill.server.bearer()
            try await drill.proxy.cut(outage)
            _ = try await drill.poll("/api/v1/health/ready", until: 503)

            let registration = #"{"name":"Grace","email":"grace@example.com","password":"Passw0rd!"}"#
            let refused = try await drill.call("POST", "/api/v1/auth/register", registration)
            #expect(refused.isUnavailableEnvelope, "\(refused.status) \(refused.body)")
            let example = try await drill.call("POST", "/api/v1/examples", #"{"name":"Lost"}"#, authorization: bearer)
            #expect(example.isUnavailableEnvelope, "\(example.status) \(example.body)")
            try await drill.proxy.restore()
            _ = try await drill.poll("/api/v1/health/ready", until: 200)

            #expect(try await drill.call("POST", "/api/v1/auth/register", registration).status == 201)
            let login = try await drill.call("POST", "/api/v1/auth/login", #"{"email":"grace@example.com","password":"Passw0rd!"}"#)
            #expect(login.status == 200)
            let listed = try await drill.call("GET", "/api/v1/examples")
            #expect((listed.json["data"] as? [[String: Any]])?.isEmpty == true, "\(listed.body)")
        }
    }
}
