import Domain
import Foundation
import HTTPAdapter
import HTTPTypes
import HummingbirdTesting
import MemoryAdapters
import TestSupport
import Testing

/// `GET /api/v1/events`: an authenticated Server-Sent Events stream of what the caller may see, resumable with
/// `Last-Event-ID`, limited per user, closed when the caller's session is revoked.
@Suite struct EventStreamAPITests {
    static func event(_ type: String, audience: EventAudience, data: [String: String] = [:]) -> DomainEvent {
        DomainEvent(id: UUID(), type: type, audience: audience, data: data, occurredAt: Date(timeIntervalSince1970: 1_800_000_000.5))
    }

    /// A test app whose streams close after `duration` (the test client reads a response to its end).
    static func app(bus: EventMemoryBus, duration: Duration = .milliseconds(600), perUser: Int = 5) -> TestApp {
        var app = TestApp()
        app.eventBus = bus
        app.eventSettings = EventStreamSettings(heartbeat: .seconds(60), maximumDuration: duration, maximumPerUser: perUser)
        return app
    }

    /// The messages of an SSE body: each one's fields (`id`, `event`, `data`), comments left out.
    static func messages(_ body: String) -> [[String: String]] {
        body.components(separatedBy: "\n\n").compactMap { block in
            var fields: [String: String] = [:]
            for line in block.split(separator: "\n") where !line.hasPrefix(":") {
                guard let colon = line.firstIndex(of: ":") else { continue }
                fields[String(line[..<colon])] = String(line[line.index(after: colon)...].drop { $0 == " " })
            }
            return fields.isEmpty ? nil : fields
        }
    }

    @Test func withoutATokenTheStreamIsRefusedWithTheEnvelope() async throws {
        try await Self.app(bus: EventMemoryBus()).test { client in
            let response = try await client.get("/api/v1/events")

            #expect(response.status == .unauthorized)
            #expect(response.object["success"] as? Bool == false)
        }
    }

    @Test func aLastEventIDThatIsNotAPositionIsABadRequest() async throws {
        try await Self.app(bus: EventMemoryBus()).test { client, identity in
            let bearer = try await identity.bearer()
            for bad in ["abc", "1-2-3", "99999999999999999999-0", "-1", ""] {
                let response = try await client.get("/api/v1/events", headers: bearer.adding([HTTPField.Name("Last-Event-ID")!: bad]))
                #expect(response.status == .badRequest, "\(bad)")
                #expect((response.object["errors"] as? [[String: Any]])?.first?["field"] as? String == "Last-Event-ID")
            }
            for bad in ["", "x", "1-"] {
                let response = try await client.get("/api/v1/events?lastEventId=\(bad)", headers: bearer)
                #expect(response.status == .badRequest, "?lastEventId=\(bad)")
            }
        }
    }

    @Test func aReconnectingClientGetsWhatItMissedThatItMaySeeThenLiveEvents() async throws {
        let bus = EventMemoryBus()
        try await Self.app(bus: bus).test { client, identity in
            let (ada, signedIn) = try await identity.verifiedUser("Ada", email: "ada@example.com")
            let bearer: HTTPFields = [.authorization: "Bearer \(signedIn.tokens.accessToken)"]
            bus.publish(Self.event("example.created", audience: .everyone, data: ["exampleId": "seen-before"]))
            let seen = bus.replay(after: EventPosition(milliseconds: 0, sequence: 0), limit: 10).events[0].position
            bus.publish(Self.event("example.updated", audience: .everyone, data: ["exampleId": "missed"]))
            bus.publish(Self.event("session.revoked", audience: .user(UUID()), data: ["sessionId": "someone-else"]))
            bus.publish(Self.event("job.failed", audience: .permitted(.manageJobs), data: ["jobId": "j1"]))
            bus.publish(Self.event("session.revoked", audience: .user(ada.user.id), data: ["userId": "ada", "sessionId": UUID().uuidString]))
            let live = Task {
                try await Task.sleep(for: .milliseconds(200))
                bus.publish(Self.event("example.deleted", audience: .everyone, data: ["exampleId": "live"]))
            }

            let response = try await client.get("/api/v1/events", headers: bearer.adding([HTTPField.Name("Last-Event-ID")!: seen.description]))
            try await live.value
            let body = String(buffer: response.body)
            let messages = Self.messages(body)

            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/event-stream; charset=utf-8")
            #expect(response.headers[.cacheControl] == "no-store")
            #expect(body.hasPrefix("retry: 3000\n\n"))
            #expect(messages.compactMap { $0["event"] } == ["example.updated", "session.revoked", "example.deleted"])
            let ids = messages.compactMap { $0["id"].flatMap(EventPosition.init) }
            #expect(ids.count == 3 && ids == ids.sorted() && ids.allSatisfy { $0 > seen })
            let first = try #require(messages.first { $0["event"] == "example.updated" }?["data"])
            let data = try #require(try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
            #expect(data["type"] as? String == "example.updated")
            #expect(data["occurredAt"] as? String == "2027-01-15T08:00:00.500Z")
            #expect(data["data"] as? [String: String] == ["exampleId": "missed"])
            #expect(!body.contains("someone-else") && !body.contains("j1"))
        }
    }

    @Test func administratorsSeeJobFailures() async throws {
        let bus = EventMemoryBus()
        try await Self.app(bus: bus).test { client, identity in
            let admin = try await identity.bearer("root@example.com", role: .admin)
            bus.publish(Self.event("example.created", audience: .everyone))
            let start = bus.replay(after: EventPosition(milliseconds: 0, sequence: 0), limit: 10).events[0].position
            bus.publish(Self.event("job.failed", audience: .permitted(.manageJobs), data: ["jobId": "j1"]))

            let response = try await client.get("/api/v1/events?lastEventId=\(start)", headers: admin)

            #expect(Self.messages(String(buffer: response.body)).compactMap { $0["event"] } == ["job.failed"])
        }
    }

    @Test func aClientWhoseHistoryIsGoneIsToldToReload() async throws {
        let bus = EventMemoryBus(retention: 2)
        try await Self.app(bus: bus).test { client, identity in
            let bearer = try await identity.bearer()
            for number in 1...5 { bus.publish(Self.event("example.updated", audience: .everyone, data: ["n": "\(number)"])) }

            let response = try await client.get("/api/v1/events", headers: bearer.adding([HTTPField.Name("Last-Event-ID")!: "1-0"]))
            let messages = Self.messages(String(buffer: response.body))

            #expect(messages.compactMap { $0["event"] } == ["reset", "example.updated", "example.updated"])
        }
    }

    @Test func aUserMayHoldOnlySoManyStreamsAtOnce() async throws {
        let bus = EventMemoryBus()
        try await Self.app(bus: bus, duration: .seconds(2), perUser: 1).test { client, identity in
            let bearer = try await identity.bearer()
            let other = try await identity.bearer("other@example.com")
            let first = Task { try await client.get("/api/v1/events", headers: bearer) }
            try await Task.sleep(for: .milliseconds(300))

            let second = try await client.get("/api/v1/events", headers: bearer)
            let someoneElse = Task { try await client.get("/api/v1/events", headers: other) }

            #expect(second.status == .tooManyRequests)
            #expect(second.headers[.retryAfter] != nil)
            #expect(try await first.value.status == .ok)
            #expect(try await someoneElse.value.status == .ok)
            // The first stream has closed: its place is free again.
            let third = Task { try await client.get("/api/v1/events", headers: bearer) }
            #expect(try await third.value.status == .ok)
        }
    }

    @Test func theStreamClosesWhenItsOwnSessionIsRevoked() async throws {
        let bus = EventMemoryBus()
        try await Self.app(bus: bus, duration: .seconds(3)).test { client, identity in
            let (ada, signedIn) = try await identity.verifiedUser("Ada", email: "ada@example.com")
            let bearer: HTTPFields = [.authorization: "Bearer \(signedIn.tokens.accessToken)"]
            let publisher = Task {
                try await Task.sleep(for: .milliseconds(300))
                bus.publish(Self.event("example.created", audience: .everyone, data: ["n": "before"]))
                bus.publish(
                    Self.event(
                        "session.revoked", audience: .user(ada.user.id),
                        data: ["userId": ada.user.id.uuidString.lowercased(), "sessionId": ada.sessionID.uuidString.lowercased()]))
                try await Task.sleep(for: .milliseconds(500))
                bus.publish(Self.event("example.created", audience: .everyone, data: ["n": "after"]))
            }

            let response = try await client.get("/api/v1/events", headers: bearer)
            try await publisher.value
            let body = String(buffer: response.body)

            #expect(Self.messages(body).compactMap { $0["event"] } == ["example.created", "session.revoked"])
            #expect(body.contains("before") && !body.contains("after"))
        }
    }
}
