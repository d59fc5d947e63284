import Domain
import Foundation

/// What the HTTP adapter needs from the validated configuration.
public struct HTTPSettings: Sendable {
    public var host: String
    public var port: Int
    public var production: Bool
    /// Largest accepted request body, in bytes.
    public var bodyLimit: Int
    public var corsOrigins: [String]
    public var trustedProxies: TrustedProxies
    public var rateLimitMax: Int
    public var rateLimitWindow: TimeInterval
    /// Per client address, per authentication route, per window.
    public var authRateLimitMax: Int
    /// A connection with no traffic for this long is closed.
    public var idleTimeout: Duration
    /// A client must deliver each complete request within this time of the connection being ready for it.
    public var requestTimeout: Duration
    /// Whether the docs page, its assets and the `/` redirect are served (`/openapi.json` always is).
    public var docsEnabled: Bool
    /// The pinned Swagger UI files the docs page serves itself (nil: not installed beside the binary).
    public var swaggerUI: SwaggerUIAssets?
    /// An operator's own host for the Swagger UI files, used instead of the bundled ones (no integrity check).
    public var docsAssetsURL: String?
    /// The build's version, shown by `/health`.
    public var version: String
    /// How long dependency checks are reused by `/health` and `/health/ready`, so probes cannot hammer them.
    public var healthCacheLifetime: Duration
    /// The password policy, stated in the served document's `NewPassword` schema.
    public var passwordPolicy: PasswordPolicy
    /// Whether requests are traced (a tracer is configured); without one, no span is started at all.
    public var tracing: Bool

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        production: Bool = false,
        bodyLimit: Int = 10 * 1024,
        corsOrigins: [String] = [],
        trustedProxies: TrustedProxies = TrustedProxies([]),
        rateLimitMax: Int = 1000,
        rateLimitWindow: TimeInterval = 15 * 60,
        authRateLimitMax: Int = 10,
        idleTimeout: Duration = .seconds(30),
        requestTimeout: Duration = .seconds(30),
        docsEnabled: Bool = true,
        swaggerUI: SwaggerUIAssets? = .bundled,
        docsAssetsURL: String? = nil,
        version: String = "0.0.0",
        healthCacheLifetime: Duration = .seconds(1),
        passwordPolicy: PasswordPolicy = PasswordPolicy(),
        tracing: Bool = false
    ) {
        self.host = host
        self.port = port
        self.production = production
        self.bodyLimit = bodyLimit
        self.corsOrigins = corsOrigins
        self.trustedProxies = trustedProxies
        self.rateLimitMax = rateLimitMax
        self.rateLimitWindow = rateLimitWindow
        self.authRateLimitMax = authRateLimitMax
        self.idleTimeout = idleTimeout
        self.requestTimeout = requestTimeout
        self.docsEnabled = docsEnabled
        self.swaggerUI = swaggerUI
        self.docsAssetsURL = docsAssetsURL
        self.version = version
        self.healthCacheLifetime = healthCacheLifetime
        self.passwordPolicy = passwordPolicy
        self.tracing = tracing
    }
}

/// The use cases and ports the routes call.
public struct HTTPDependencies: Sendable {
    public var examples: ExampleService
    public var auth: AuthService
    public var users: UserService
    public var jobs: JobAdminService
    public var rateLimitStore: any RateLimitStore
    public var clock: any WallClock
    /// Dependencies probed by `/health` and `/health/ready`.
    public var checks: [any DependencyCheck]
    public var readiness: Readiness
    /// Request counts and latencies (nil: not recorded).
    public var requestMetrics: RequestMetrics?
    /// `/metrics` (nil: not served).
    public var metricsEndpoint: MetricsEndpoint?
    /// Where uploaded objects live (`STORAGE_URL`), for the routes that store or serve files (nil: none configured, as in
    /// router tests that need no storage).
    public var storage: (any ObjectStorage)?
    /// The domain events `GET /api/v1/events` streams (nil: the route is not served).
    public var events: EventStreams?
    /// Examples' attachments and users' avatars (nil: their routes answer 503).
    public var attachments: AttachmentService?
    public var avatars: AvatarService?

    public init(
        examples: ExampleService,
        auth: AuthService,
        users: UserService,
        jobs: JobAdminService,
        rateLimitStore: any RateLimitStore,
        clock: any WallClock,
        checks: [any DependencyCheck],
        readiness: Readiness,
        requestMetrics: RequestMetrics? = nil,
        metricsEndpoint: MetricsEndpoint? = nil,
        storage: (any ObjectStorage)? = nil,
        events: EventStreams? = nil,
        attachments: AttachmentService? = nil,
        avatars: AvatarService? = nil
    ) {
        self.examples = examples
        self.auth = auth
        self.users = users
        self.jobs = jobs
        self.rateLimitStore = rateLimitStore
        self.clock = clock
        self.checks = checks
        self.readiness = readiness
        self.requestMetrics = requestMetrics
        self.metricsEndpoint = metricsEndpoint
        self.storage = storage
        self.events = events
        self.attachments = attachments
        self.avatars = avatars
    }
}
