import Domain
import Foundation
import HTTPAdapter
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MemoryAdapters
import NIOCore
import TestSupport

/// Everything one router test needs; each test builds its own and changes what it is about.
struct TestApp {
    var settings = HTTPSettings(corsOrigins: ["https://app.example.com"], rateLimitMax: 10_000, authRateLimitMax: 10_000, version: "9.9.9-test")
    /// The examples' store; tests may swap the repository alone (for a failing one, say).
    var database = MemoryDatabase()
    var repository: (any ExampleRepository)?
    var checks: [any DependencyCheck] = [PassingCheck()]
    var readiness = Readiness()
    var clock = TestClock()
    var rateLimitStore: any RateLimitStore = RateLimitMemoryStore()
    var identitySettings = IdentitySettings(publicBaseURL: "https://app.example.com")
    var requestMetrics: RequestMetrics?
    var metricsEndpoint: MetricsEndpoint?
    var eventBus: any EventBus = EventMemoryBus()
    var eventSettings = EventStreamSettings()
    /// Object storage for the upload routes (nil: they answer 503).
    var storage: (any ObjectStorage)?
    var attachmentPolicy = UploadPolicy.attachment()
    var avatarPolicy = UploadPolicy.avatar()

    func dependencies(_ identity: IdentityFixture) -> HTTPDependencies {
        var dependencies = HTTPDependencies(
            examples: ExampleService(repository: repository ?? database.examples, unitOfWork: database, clock: clock, ids: SequentialIDs()),
            auth: identity.auth,
            users: identity.users,
            jobs: JobAdminService(dependencies: identity.dependencies, retention: 7 * 86_400, alertThreshold: 2),
            rateLimitStore: rateLimitStore,
            clock: clock,
            checks: checks,
            readiness: readiness,
            requestMetrics: requestMetrics,
            metricsEndpoint: metricsEndpoint,
            events: EventStreams(bus: eventBus, settings: eventSettings)
        )
        if let storage {
            dependencies.storage = storage
            dependencies.attachments = AttachmentService(
                examples: database.examples, attachments: database.attachments, unitOfWork: database, storage: storage, clock: clock,
                ids: SequentialIDs(), policy: attachmentPolicy)
            dependencies.avatars = AvatarService(
                avatars: database.avatars, unitOfWork: database, storage: storage, clock: clock, ids: SequentialIDs(), policy: avatarPolicy)
        }
        return dependencies
    }

    /// Runs `body` against the router in memory (no socket).
    func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await test { client, _ in try await body(client) }
    }

    /// Runs `body` against the router in memory, with the identity fixture behind it (its mailer, queue, users).
    func test(_ body: @escaping @Sendable (any TestClientProtocol, IdentityFixture) async throws -> Void) async throws {
        var logger = Logger(label: "portside-http-tests")
        logger.logLevel = .warning
        try await test(logger: logger, body)
    }

    func test(logger: Logger, _ body: @escaping @Sendable (any TestClientProtocol, IdentityFixture) async throws -> Void) async throws {
        let identity = await IdentityFixture(database: database, clock: clock, settings: identitySettings)
        let app = HTTPApplication.build(settings: settings, dependencies: dependencies(identity), logger: logger)
        try await app.test(.router) { client in try await body(client, identity) }
    }
}

extension TestClientProtocol {
    /// Sends `json` (any JSON text) with `Content-Type: application/json`.
    func send(_ method: HTTPRequest.Method, _ uri: String, json: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        if headers[.contentType] == nil { headers[.contentType] = "application/json" }
        return try await execute(uri: uri, method: method, headers: headers, body: ByteBuffer(string: json))
    }

    func get(_ uri: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await execute(uri: uri, method: .get, headers: headers)
    }
}

struct TestFailure: Error {
    let message: String
}

extension TestResponse {
    /// The body parsed as a JSON object (empty when it is not one).
    var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
    }

    var text: String { String(buffer: body) }

    /// The `errors` of an error envelope as `field: message` strings.
    var fieldErrors: [String] {
        (object["errors"] as? [[String: Any]] ?? []).map { "\($0["field"] ?? ""): \($0["message"] ?? "")" }
    }
}

extension IdentityFixture {
    /// The `Authorization` header of a new, verified user (an administrator when asked).
    func bearer(_ email: String = "writer@example.com", role: Role = .user) async throws -> HTTPFields {
        let (_, signedIn) = try await verifiedUser("Writer", email: email, role: role)
        return [.authorization: "Bearer \(signedIn.tokens.accessToken)"]
    }
}

extension HTTPFields {
    /// These fields followed by `other`.
    func adding(_ other: HTTPFields) -> HTTPFields {
        var fields = self
        fields.append(contentsOf: other)
        return fields
    }
}
