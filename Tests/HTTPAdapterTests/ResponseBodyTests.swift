import Domain
import Foundation
import Testing

@testable import HTTPAdapter

/// Every response body, written from fixed values, byte for byte: the order of keys, `null` for an absent optional,
/// lowercase ids and millisecond timestamps are the API's contract, whichever way the body is declared.
@Suite struct ResponseBodyTests {
    static let id = UUID(uuidString: "0192F3A4-5B6C-7D8E-9FA0-B1C2D3E4F506")!
    static let other = UUID(uuidString: "0192F3A4-5B6C-7D8E-9FA0-B1C2D3E4F5FF")!
    static let created = Date(timeIntervalSince1970: 1_764_000_000.123)
    static let updated = Date(timeIntervalSince1970: 1_764_000_100.5)

    static func render(_ body: some JSONWritable) -> String {
        var json = JSONWriter()
        body.write(to: &json)
        return String(buffer: json.buffer)
    }

    static func user(pendingEmail: String? = nil, lockedUntil: Date? = nil) -> User {
        User(
            id: id, name: "Ada \"Countess\" Lovelace", email: "ada@example.com", pendingEmail: pendingEmail, role: .admin,
            passwordHash: "$argon2id$secret", emailVerifiedAt: created, isActive: true, failedLoginAttempts: 3, lockedUntil: lockedUntil,
            passwordChangedAt: created, createdAt: created, updatedAt: updated)
    }

    @Test func aUserShowsNoSecretsAndAdministratorsAlsoSeeTheLockState() {
        #expect(
            Self.render(UserBody(user: Self.user()))
                == #"{"id":"0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f506","name":"Ada \"Countess\" Lovelace","email":"ada@example.com","pendingEmail":null,"role":"admin","emailVerified":true,"isActive":true,"createdAt":"2025-11-24T16:00:00.123Z","updatedAt":"2025-11-24T16:01:40.500Z","avatarUrl":null}"#
        )
        #expect(
            Self.render(UserBody(user: Self.user(pendingEmail: "new@example.com"), administrative: true))
                == #"{"id":"0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f506","name":"Ada \"Countess\" Lovelace","email":"ada@example.com","pendingEmail":"new@example.com","role":"admin","emailVerified":true,"isActive":true,"failedLoginAttempts":3,"lockedUntil":null,"createdAt":"2025-11-24T16:00:00.123Z","updatedAt":"2025-11-24T16:01:40.500Z","avatarUrl":null}"#
        )
        #expect(
            Self.render(UserBody(user: Self.user(lockedUntil: Self.updated), administrative: true)).contains(
                #""failedLoginAttempts":3,"lockedUntil":"2025-11-24T16:01:40.500Z","#))
    }

    @Test func authenticationCarriesTheUserAndBothTokens() {
        let authentication = Authentication(user: Self.user(), tokens: TokenPair(accessToken: "a.b.c", refreshToken: "r\\t"))
        let user = Self.render(UserBody(user: Self.user()))
        let tokens = #"{"accessToken":"a.b.c","refreshToken":"r\\t"}"#
        #expect(Self.render(AuthenticationBody(authentication: authentication)) == #"{"user":"# + user + #","tokens":"# + tokens + "}")
        #expect(Self.render(UserEnvelopeBody(user: Self.user())) == #"{"user":"# + user + "}")
        #expect(Self.render(TokensBody(tokens: authentication.tokens)) == #"{"accessToken":"a.b.c","refreshToken":"r\\t"}"#)
    }

    @Test func aSessionNeverShowsItsDigest() {
        let session = Session(
            id: Self.id, userID: Self.other, refreshTokenDigest: "digest", userAgent: nil, clientAddress: "203.0.113.9", createdAt: Self.created,
            lastUsedAt: Self.updated, expiresAt: Self.updated, absoluteExpiresAt: Self.updated)
        #expect(
            Self.render(SessionBody(session: session, current: true))
                == #"{"id":"0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f506","userAgent":null,"ipAddress":"203.0.113.9","createdAt":"2025-11-24T16:00:00.123Z","lastUsedAt":"2025-11-24T16:01:40.500Z","expiresAt":"2025-11-24T16:01:40.500Z","current":true}"#
        )
    }

    @Test func anAuditEventWritesEveryKey() {
        let event = AuditEvent(
            id: Self.id, occurredAt: Self.created, actorID: nil, action: "user.login", targetID: "t-1", outcome: .failure,
            clientAddress: nil, userAgent: "curl/8", requestID: "req-1", detail: nil)
        #expect(
            Self.render(AuditEventBody(event: event))
                == #"{"id":"0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f506","occurredAt":"2025-11-24T16:00:00.123Z","actorId":null,"action":"user.login","targetId":"t-1","outcome":"failure","ipAddress":null,"userAgent":"curl/8","requestId":"req-1","detail":null}"#
        )
    }

    @Test func anExampleWritesItsOwnerAndNullDescription() {
        let example = Example(id: Self.id, ownerID: Self.other, name: "Widget", description: nil, createdAt: Self.created, updatedAt: Self.updated)
        #expect(
            Self.render(ExampleBody(example))
                == #"{"id":"0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f506","ownerId":"0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5ff","name":"Widget","description":null,"createdAt":"2025-11-24T16:00:00.123Z","updatedAt":"2025-11-24T16:01:40.500Z"}"#
        )
        #expect(Self.render([ExampleBody(example)]).hasPrefix(#"[{"id":"#))
        #expect(Self.render([ExampleBody]()) == "[]")
    }

    @Test func aFailedJobSortsItsPayload() {
        let job = Job(
            id: Self.id, queue: "email", kind: "send", payload: ["to": "a@example.com", "b": "2", "a": "1"], attempts: 5, createdAt: Self.created,
            availableAt: Self.created, lastError: "timeout", failedAt: nil)
        #expect(
            Self.render(JobBody(job: job))
                == #"{"id":"0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f506","queue":"email","kind":"send","payload":{"a":"1","b":"2","to":"a@example.com"},"attempts":5,"lastError":"timeout","createdAt":"2025-11-24T16:00:00.123Z","failedAt":null}"#
        )
        #expect(Self.render(PurgeBody(deleted: 7)) == #"{"deleted":7}"#)
    }

    @Test func healthBodiesLeaveOutWhatTheyDoNotHave() {
        let checks = [
            "database": CheckResult(status: "up", latencyMs: 1.25, error: nil),
            "cache": CheckResult(status: "down", latencyMs: 0.5, error: "refused"),
        ]
        #expect(
            Self.render(StatusBody(status: "ready", checks: checks))
                == #"{"status":"ready","checks":{"cache":{"status":"down","latencyMs":0.5,"error":"refused"},"database":{"status":"up","latencyMs":1.25}}}"#
        )
        #expect(Self.render(StatusBody(status: "ok", checks: nil)) == #"{"status":"ok"}"#)
        let report = HealthReport(status: "ok", version: "1.2.3", uptime: 12.5, timestamp: "2025-11-24T16:00:00.123Z", checks: [:], queue: nil)
        #expect(Self.render(report) == #"{"status":"ok","version":"1.2.3","uptime":12.5,"timestamp":"2025-11-24T16:00:00.123Z","checks":{}}"#)
        #expect(Self.render(CheckResult(status: "up", latencyMs: .nan, error: nil)) == #"{"status":"up","latencyMs":null}"#)
    }

    @Test func pagingAndFieldErrorsKeepTheirKeys() {
        #expect(Self.render(PageMeta(page: 2, limit: 10, total: 25, totalPages: 3)) == #"{"page":2,"limit":10,"total":25,"totalPages":3}"#)
        #expect(
            Self.render(PageLinks(first: "/a?page=1", last: "/a?page=3", prev: "/a?page=1", next: nil))
                == #"{"first":"/a?page=1","last":"/a?page=3","prev":"/a?page=1","next":null}"#)
        #expect(Self.render(FieldErrorBody(field: "name", message: "name is required")) == #"{"field":"name","message":"name is required"}"#)
    }
}

/// The encoder behind the declared bodies, on shapes the bodies above do not use yet.
@Suite struct JSONBodyEncoderTests {
    static func encode(_ value: some Encodable) -> String {
        var json = JSONWriter()
        JSONBodyEncoder.write(value, to: &json)
        return String(buffer: json.buffer)
    }

    struct Empty: Encodable {}

    struct Numbers: Encodable {
        let small: Int8
        let large: UInt64
        let wide: Int64
        let single: Float
        let infinite: Double
        let list: [Int?]
    }

    /// A hand-written `encode(to:)` that opens nested containers and returns to the outer one in between.
    struct Nested: Encodable {
        enum Keys: String, CodingKey { case a, inner, list, z }
        enum InnerKeys: String, CodingKey { case b }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            var inner = container.nestedContainer(keyedBy: InnerKeys.self, forKey: .inner)
            var list = container.nestedUnkeyedContainer(forKey: .list)
            try list.encode("x")
            try inner.encodeNil(forKey: .b)
            try container.encode(1, forKey: .a)
            try container.encode(true, forKey: .z)
        }
    }

    @Test func leafTypesAndCollections() {
        #expect(Self.encode(Empty()) == "{}")
        #expect(
            Self.encode(Numbers(small: -8, large: .max, wide: .min, single: 0.5, infinite: .infinity, list: [1, nil]))
                == #"{"small":-8,"large":18446744073709551615,"wide":-9223372036854775808,"single":0.5,"infinite":null,"list":[1,null]}"#)
        #expect(Self.encode(["b": [1], "a": [], "c": [2, 3]]) == #"{"a":[],"b":[1],"c":[2,3]}"#)
        #expect(Self.encode([[String: String?]]([["k": nil]])) == #"[{"k":null}]"#)
    }

    @Test func omittedKeysAreLeftOutAndPresentOnesAreUnwrapped() {
        struct Body: Encodable {
            let a: Omittable<Int>
            let b: Omittable<String?>
            let c: Omittable<String?>
        }
        #expect(Self.encode(Body(a: .omitted, b: .present(nil), c: .present("x"))) == #"{"b":null,"c":"x"}"#)
        #expect(Self.encode(Body(a: .present(1), b: .omitted, c: .omitted)) == #"{"a":1}"#)
    }

    /// The same shape, used in order.
    struct NestedInOrder: Encodable {
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Nested.Keys.self)
            var inner = container.nestedContainer(keyedBy: Nested.InnerKeys.self, forKey: .inner)
            try inner.encodeNil(forKey: .b)
            var list = container.nestedUnkeyedContainer(forKey: .list)
            try list.encode("x")
            try container.encode(1, forKey: .a)
            _ = encoder.container(keyedBy: Nested.Keys.self)
            try container.encode(true, forKey: .z)
        }
    }

    @Test func nestedContainersUsedInOrderAreWrittenInPlace() {
        #expect(Self.encode(NestedInOrder()) == #"{"inner":{"b":null},"list":["x"],"a":1,"z":true}"#)
        #expect(Self.encode(["k": NestedInOrder()]) == #"{"k":{"inner":{"b":null},"list":["x"],"a":1,"z":true}}"#)
    }

    @Test func aWriteToAClosedContainerMakesTheValueNullNotAMalformedDocument() {
        // Writes are streamed: once `list` is opened, `inner` is closed and its late key has nowhere to go.
        #expect(Self.encode(Nested()) == "null")
        var json = JSONWriter()
        json.beginArray()
        json.integer(1)
        JSONBodyEncoder.write(Nested(), to: &json)
        json.integer(2)
        json.endArray()
        #expect(String(buffer: json.buffer) == "[1,null,2]")
    }
}
