import Foundation
import HTTPAdapter
import Logging
import MailAdapters
import PostgresAdapter
import RedisAdapter
import StorageAdapters

extension Configuration {
    /// Reads the process environment over `.env` (when present) and validates it.
    public static func load(
        dotEnvPath: String = ".env",
        process: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) -> Configuration {
        try parse(DotEnv.environment(overlaying: dotEnvPath, process: process))
    }

    /// Validates `env` and returns the configuration, or throws listing every problem at once.
    public static func parse(_ env: [String: String]) throws(ConfigurationError) -> Configuration {
        try parse(env, record: KeysRead())
    }

    /// Every key `parse` looks at for `env`, whether or not it is valid: checked against `ConfigurationKey.all`.
    static func keysRead(_ env: [String: String]) -> Set<String> {
        let record = KeysRead()
        _ = try? parse(env, record: record)
        return record.names
    }

    private static func parse(_ env: [String: String], record: KeysRead) throws(ConfigurationError) -> Configuration {
        var reader = Reader(env: env, record: record)
        let environment = reader.choice("APP_ENV", default: Environment.development)
        let production = environment == .production
        let databaseURL = reader.string("DATABASE_URL")
        let redisURL = reader.string("REDIS_URL")

        var configuration = Configuration(
            environment: environment,
            host: reader.string("HOST") ?? (production ? "0.0.0.0" : "127.0.0.1"),
            port: reader.integer("PORT", default: 8080, in: 0...65535),
            database: reader.database(databaseURL ?? "sqlite:data/portside.sqlite"),
            databaseExplicit: databaseURL != nil,
            databasePoolSize: reader.integer("DATABASE_POOL_SIZE", default: 10, in: 1...500),
            databaseConnectTimeout: reader.duration("DATABASE_CONNECT_TIMEOUT", default: "5s", minimum: .milliseconds(100)),
            databaseQueryTimeout: reader.duration("DATABASE_QUERY_TIMEOUT", default: "10s", minimum: .milliseconds(100)),
            jwtSecret: reader.string("JWT_SECRET").map(Secret.init),
            jwtIssuer: reader.string("JWT_ISSUER") ?? "portside",
            jwtAudience: reader.string("JWT_AUDIENCE") ?? "portside-api",
            accessTokenTTL: reader.duration("ACCESS_TOKEN_TTL", default: "15m", minimum: .seconds(10)),
            refreshTokenTTL: reader.duration("REFRESH_TOKEN_TTL", default: "7d", minimum: .seconds(60)),
            sessionMaxLifetime: reader.duration("SESSION_MAX_LIFETIME", default: "30d", minimum: .seconds(60)),
            emailVerificationTTL: reader.duration("EMAIL_VERIFICATION_TTL", default: "24h", minimum: .seconds(60)),
            passwordResetTTL: reader.duration("PASSWORD_RESET_TTL", default: "60m", minimum: .seconds(60)),
            emailChangeCancelTTL: reader.duration("EMAIL_CHANGE_CANCEL_TTL", default: "7d", minimum: .seconds(60)),
            registrationConcealsExisting: reader.bool("REGISTRATION_CONCEALS_EXISTING", default: false),
            lockoutMaxAttempts: reader.integer("LOCKOUT_MAX_ATTEMPTS", default: 3, in: 1...100),
            lockoutAddressMaxAttempts: reader.integer("LOCKOUT_ADDRESS_MAX_ATTEMPTS", default: 20, in: 1...1_000_000),
            lockoutDuration: reader.duration("LOCKOUT_DURATION", default: "15m", minimum: .seconds(1)),
            lockoutReset: reader.duration("LOCKOUT_RESET", default: "12h", minimum: .seconds(1)),
            authRateLimitMax: reader.integer("AUTH_RATE_LIMIT_MAX", default: 10, in: 1...Int(Int32.max)),
            argon2MemoryKiB: reader.integer("ARGON2_MEMORY_KIB", default: 19_456, in: 19_456...4_194_304),
            argon2Iterations: reader.integer("ARGON2_ITERATIONS", default: 2, in: 2...100),
            argon2Parallelism: reader.integer("ARGON2_PARALLELISM", default: 1, in: 1...64),
            passwordMinLength: reader.integer("PASSWORD_MIN_LENGTH", default: 8, in: 8...128),
            passwordRequiresUppercase: reader.bool("PASSWORD_REQUIRE_UPPERCASE", default: true),
            passwordRequiresLowercase: reader.bool("PASSWORD_REQUIRE_LOWERCASE", default: true),
            passwordRequiresDigit: reader.bool("PASSWORD_REQUIRE_DIGIT", default: true),
            requireEmailVerification: reader.bool("REQUIRE_EMAIL_VERIFICATION", default: true),
            redis: redisURL.flatMap { reader.redis($0) },
            redisPoolSize: reader.integer("REDIS_POOL_SIZE", default: 8, in: 1...256),
            redisKeyPrefix: reader.string("REDIS_KEY_PREFIX") ?? "portside:",
            redisTimeout: reader.duration("REDIS_TIMEOUT", default: "2s", minimum: .milliseconds(50)),
            eventsHeartbeat: reader.duration("EVENTS_HEARTBEAT", default: "15s", minimum: .seconds(1)),
            examplesCacheTTL: reader.duration("EXAMPLES_CACHE_TTL", default: "60s", minimum: .zero),
            examplesCacheStore: reader.choice("EXAMPLES_CACHE_STORE", default: CacheStore.memory),
            eventsMaxDuration: reader.duration("EVENTS_MAX_DURATION", default: "30m", minimum: .seconds(1)),
            eventsMaxStreamsPerUser: reader.integer("EVENTS_MAX_STREAMS_PER_USER", default: 5, in: 1...1000),
            eventsMaxStreams: reader.integer("EVENTS_MAX_STREAMS", default: 1000, in: 1...100_000),
            eventsRetention: reader.integer("EVENTS_RETENTION", default: 10_000, in: 100...10_000_000),
            mail: reader.mail(reader.string("MAIL_URL") ?? "file:data/mail"),
            mailFrom: reader.string("MAIL_FROM") ?? "Portside <no-reply@localhost>",
            storage: reader.storage(
                reader.string("STORAGE_URL") ?? "file:data/objects", accessKeyID: reader.string("STORAGE_ACCESS_KEY_ID"),
                secretAccessKey: reader.string("STORAGE_SECRET_ACCESS_KEY")),
            jobAttempts: reader.integer("JOB_ATTEMPTS", default: 3, in: 1...100),
            jobBackoff: reader.duration("JOB_BACKOFF", default: "1s", minimum: .milliseconds(10)),
            failedJobRetention: reader.duration("FAILED_JOB_RETENTION", default: "7d", minimum: .seconds(60)),
            failedJobsAlertThreshold: reader.integer("FAILED_JOBS_ALERT_THRESHOLD", default: 100, in: 1...Int(Int32.max)),
            workerConcurrency: reader.integer("WORKER_CONCURRENCY", default: 5, in: 1...256),
            jobLease: reader.duration("JOB_LEASE", default: "60s", minimum: .seconds(1)),
            // Production with Redis runs `portside worker` as its own process; everywhere else `serve` runs the jobs.
            workerMode: reader.choice("WORKER_MODE", default: production && redisURL != nil ? WorkerMode.off : WorkerMode.inline),
            publicBaseURL: reader.url("PUBLIC_BASE_URL", default: "http://localhost:8080"),
            // Set but empty means "no cross-origin callers", even in development.
            corsOrigins: ConfigurationValues.list(reader.raw("CORS_ORIGINS") ?? (production ? "" : "http://localhost:3000,http://localhost:5173")),
            trustedProxies: ConfigurationValues.list(reader.string("TRUSTED_PROXIES") ?? ""),
            bodyLimit: reader.size("BODY_LIMIT", default: "10kb", in: 1...(64 * 1024 * 1024)),
            rateLimitWindow: reader.duration("RATE_LIMIT_WINDOW", default: "15m", minimum: .seconds(1)),
            rateLimitMax: reader.integer("RATE_LIMIT_MAX", default: 1000, in: 1...Int(Int32.max)),
            idleTimeout: reader.duration("IDLE_TIMEOUT", default: "30s", minimum: .seconds(1)),
            requestTimeout: reader.duration("REQUEST_TIMEOUT", default: "20s", minimum: .seconds(1)),
            logLevel: reader.choice("LOG_LEVEL", default: Logger.Level.info),
            logFormat: reader.choice("LOG_FORMAT", default: production ? LogFormat.json : .pretty),
            logFile: reader.string("LOG_FILE"),
            logMaxSize: reader.size("LOG_MAX_SIZE", default: "20mb", in: 1024...(1024 * 1024 * 1024)),
            logMaxFiles: reader.integer("LOG_MAX_FILES", default: 14, in: 1...1000),
            shutdownTimeout: reader.duration("SHUTDOWN_TIMEOUT", default: "30s", minimum: .seconds(1)),
            shutdownDrainDelay: reader.duration("SHUTDOWN_DRAIN_DELAY", default: production ? "5s" : "0s", minimum: .zero),
            migrationsDirectory: reader.string("MIGRATIONS_DIR") ?? "migrations",
            docsEnabled: reader.bool("DOCS_ENABLED", default: !production),
            docsAssetsURL: reader.string("DOCS_ASSETS_URL").map { reader.url("DOCS_ASSETS_URL", default: $0) },
            metricsEnabled: reader.bool("METRICS_ENABLED", default: true),
            workerMetricsPort: reader.integer("WORKER_METRICS_PORT", default: 9464, in: 0...65535),
            metricsToken: reader.string("METRICS_TOKEN").map(Secret.init),
            otlpEndpoint: reader.string("OTEL_EXPORTER_OTLP_ENDPOINT").map { reader.url("OTEL_EXPORTER_OTLP_ENDPOINT", default: $0) },
            otelServiceName: reader.string("OTEL_SERVICE_NAME") ?? "portside",
            alertWebhookURL: reader.secretURL("ALERT_WEBHOOK_URL"),
            alertErrorRatePercent: reader.integer("ALERT_ERROR_RATE_PERCENT", default: 5, in: 1...100),
            alertErrorWindow: reader.duration("ALERT_ERROR_WINDOW", default: "5m", minimum: .seconds(10)),
            alertErrorMinimumRequests: reader.integer("ALERT_ERROR_MIN_REQUESTS", default: 20, in: 1...Int(Int32.max))
        )
        configuration.avatarMaxSize = reader.size("AVATAR_MAX_SIZE", default: "2mb", in: 1...(64 * 1024 * 1024))
        configuration.attachmentMaxSize = reader.size("ATTACHMENT_MAX_SIZE", default: "25mb", in: 1...(5 * 1024 * 1024 * 1024))
        configuration.directUploadTTL = reader.duration("DIRECT_UPLOAD_TTL", default: "15m", minimum: .seconds(1))
        if configuration.directUploadTTL > .seconds(7 * 86_400) { reader.problem("DIRECT_UPLOAD_TTL", "must be at most 7d") }
        configuration.orphanObjectGrace = reader.duration("ORPHAN_OBJECT_GRACE", default: "24h", minimum: .seconds(60))
        for key in ["OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL"] {
            // swift-otel would stop the process for gRPC, which this build leaves out.
            if let value = reader.string(key), !["http/protobuf", "http/json"].contains(value) {
                reader.problem(key, "must be http/protobuf or http/json (got \"\(value)\")")
            }
        }
        if let value = reader.string("OTEL_PROPAGATORS") {
            // swift-otel stops the process (fatalError) for every propagator but W3C trace context.
            let unsupported = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !["tracecontext", "none"].contains($0) }
            if !unsupported.isEmpty {
                reader.problem("OTEL_PROPAGATORS", "only tracecontext (or none) is supported (got \(unsupported.joined(separator: ", ")))")
            }
        }
        if let token = configuration.metricsToken, token.value.count < 16 {
            reader.problem("METRICS_TOKEN", "must be at least 16 characters")
        }
        for entry in configuration.trustedProxies where IPRange(entry) == nil {
            reader.problem("TRUSTED_PROXIES", "\"\(entry)\" is not an IP address or CIDR block")
        }
        for origin in configuration.corsOrigins where origin != "*" && !Self.isOrigin(origin) {
            reader.problem("CORS_ORIGINS", "\"\(origin)\" is not an origin such as https://app.example.com")
        }
        // Shutdown must fit the drain delay plus the longest a client may take to finish its request.
        if configuration.shutdownDrainDelay + configuration.requestTimeout >= configuration.shutdownTimeout {
            reader.problem(
                "SHUTDOWN_TIMEOUT",
                "must be longer than SHUTDOWN_DRAIN_DELAY + REQUEST_TIMEOUT ("
                    + "\(ConfigurationValues.describe(configuration.shutdownDrainDelay)) + "
                    + "\(ConfigurationValues.describe(configuration.requestTimeout)))"
            )
        }
        if configuration.mailFrom.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) {
            reader.problem("MAIL_FROM", "must not contain line breaks")
        }
        if configuration.workerMode == .off, redisURL == nil {
            // Without Redis the queue lives in this process, where no separate worker can reach it.
            reader.problem("WORKER_MODE", "off needs REDIS_URL: without it jobs are queued in this process, and only inline runs them")
        }
        if configuration.sessionMaxLifetime < configuration.refreshTokenTTL {
            reader.problem("SESSION_MAX_LIFETIME", "must be at least REFRESH_TOKEN_TTL")
        }
        if production {
            if databaseURL == nil { reader.problem("DATABASE_URL", "must be set explicitly in production") }
            if configuration.database == .memory { reader.problem("DATABASE_URL", "memory: loses every write on restart; not allowed in production") }
            if let secret = configuration.jwtSecret?.value, secret.count >= 64 {
                if let weakness = SecretStrength.weakness(of: secret) {
                    reader.problem("JWT_SECRET", "\(weakness): generate it, e.g. openssl rand -base64 48")
                }
            } else {
                reader.problem("JWT_SECRET", "must be at least 64 characters in production")
            }
            if configuration.corsOrigins.contains("*") { reader.problem("CORS_ORIGINS", "must not contain * in production") }
            if configuration.mail == .memory { reader.problem("MAIL_URL", "memory: delivers nothing; not allowed in production") }
            if configuration.metricsEnabled, configuration.metricsToken == nil {
                // Metrics name every route and show the traffic: not for the whole internet to read.
                reader.problem("METRICS_TOKEN", "must be set in production (or METRICS_ENABLED=false)")
            }
        } else if let secret = configuration.jwtSecret, secret.value.count < 32 {
            reader.problem("JWT_SECRET", "must be at least 32 characters")
        }
        guard reader.problems.isEmpty else { throw ConfigurationError(problems: reader.problems) }
        configuration.corsOrigins = configuration.corsOrigins.map { $0 == "*" ? $0 : String($0.trimmingSuffix("/")) }
        return configuration
    }

    private static func isOrigin(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else { return false }
        return url.path.isEmpty || url.path == "/"
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> Substring {
        hasSuffix(suffix) ? dropLast(suffix.count) : Substring(self)
    }
}

/// The names of the keys a `Reader` has looked at.
final class KeysRead {
    var names: Set<String> = []
}

/// Reads keys, collecting every problem instead of stopping at the first.
private struct Reader {
    let env: [String: String]
    let record: KeysRead
    var problems: [String] = []

    init(env: [String: String], record: KeysRead) {
        self.env = env
        self.record = record
    }

    /// The value as set, even when empty (for the one key where set-but-empty means something).
    func raw(_ key: String) -> String? {
        record.names.insert(key)
        return env[key]
    }

    mutating func problem(_ key: String, _ message: String) {
        problems.append("\(key): \(message)")
    }

    func string(_ key: String) -> String? {
        guard let value = raw(key)?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    mutating func integer(_ key: String, default fallback: Int, in range: ClosedRange<Int>) -> Int {
        guard let text = string(key) else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            problem(key, "must be an integer between \(range.lowerBound) and \(range.upperBound) (got \"\(text)\")")
            return fallback
        }
        return value
    }

    mutating func duration(_ key: String, default fallback: String, minimum: Duration) -> Duration {
        let text = string(key) ?? fallback
        guard let value = ConfigurationValues.duration(text), value >= minimum else {
            problem(
                key,
                "must be a duration such as 500ms, 30s, 15m, 24h or 7d, from \(ConfigurationValues.describe(minimum)) to 365d (got \"\(text)\")"
            )
            return ConfigurationValues.duration(fallback) ?? minimum
        }
        return value
    }

    mutating func size(_ key: String, default fallback: String, in range: ClosedRange<Int>) -> Int {
        let text = string(key) ?? fallback
        guard let value = ConfigurationValues.size(text), range.contains(value) else {
            problem(
                key,
                "must be a size such as 512b, 10kb or 1mb, between \(ConfigurationValues.describeSize(range.lowerBound)) and "
                    + "\(ConfigurationValues.describeSize(range.upperBound)) (got \"\(text)\")")
            return ConfigurationValues.size(fallback) ?? range.lowerBound
        }
        return value
    }

    mutating func choice<T: RawRepresentable & CaseIterable>(_ key: String, default fallback: T) -> T where T.RawValue == String {
        guard let text = string(key) else { return fallback }
        guard let value = T(rawValue: text.lowercased()) else {
            problem(key, "must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")) (got \"\(text)\")")
            return fallback
        }
        return value
    }

    mutating func bool(_ key: String, default fallback: Bool) -> Bool {
        guard let text = string(key)?.lowercased() else { return fallback }
        switch text {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default:
            problem(key, "must be true or false (got \"\(text)\")")
            return fallback
        }
    }

    mutating func mail(_ text: String) -> Configuration.Mail {
        if text == "memory:" || text == "memory" { return .memory }
        if text.hasPrefix("file:") {
            var path = String(text.dropFirst("file:".count))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            if !path.isEmpty { return .file(directory: path) }
        }
        if text.hasPrefix("smtp://") || text.hasPrefix("smtps://") {
            do {
                let url = try SMTPURL(text)
                if let path = url.certificateAuthorityPath, !FileManager.default.isReadableFile(atPath: path) {
                    problem("MAIL_URL", "cafile names a file that cannot be read")
                }
                return .smtp(url: Secret(text), description: url.description)
            } catch {
                problem("MAIL_URL", error.reason)
                return .memory
            }
        }
        // The URL may hold a password: never echo it.
        let scheme = text.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
        problem("MAIL_URL", "must be smtp://..., smtps://..., file:DIRECTORY or memory: (scheme \"\(scheme)\" is not supported)")
        return .memory
    }

    /// `file:DIR` or `s3://BUCKET?endpoint=...&region=...` with both credentials; problems never echo the values.
    mutating func storage(_ text: String, accessKeyID: String?, secretAccessKey: String?) -> Configuration.Storage {
        if text.hasPrefix("file:") {
            var path = String(text.dropFirst("file:".count))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            if !path.isEmpty { return .file(directory: path) }
        }
        if text.hasPrefix("s3://") {
            do {
                let location = try S3Location(text)
                guard let accessKeyID, let secretAccessKey else {
                    problem("STORAGE_URL", "s3:// needs STORAGE_ACCESS_KEY_ID and STORAGE_SECRET_ACCESS_KEY")
                    return .file(directory: "data/objects")
                }
                return .s3(url: location.description, accessKeyID: accessKeyID, secretAccessKey: Secret(secretAccessKey))
            } catch {
                problem("STORAGE_URL", error.reason)
                return .file(directory: "data/objects")
            }
        }
        let scheme = text.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
        problem("STORAGE_URL", "must be file:DIRECTORY or s3://BUCKET?endpoint=URL&region=REGION (scheme \"\(scheme)\" is not supported)")
        return .file(directory: "data/objects")
    }

    /// An http(s) URL that may carry a credential (a webhook's token): never echoed in a problem.
    mutating func secretURL(_ key: String) -> Secret? {
        guard let text = string(key) else { return nil }
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            problem(key, "must be an http(s) URL")
            return nil
        }
        return Secret(text)
    }

    mutating func url(_ key: String, default fallback: String) -> String {
        guard let text = string(key) else { return fallback }
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            problem(key, "must be an http(s) URL (got \"\(text)\")")
            return fallback
        }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    mutating func database(_ text: String) -> Configuration.Database {
        if text == "memory:" || text == "memory" { return .memory }
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") { return postgres(text) }
        if text.hasPrefix("sqlite:") {
            var path = String(text.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            if !path.isEmpty { return .sqlite(path: path) }
        }
        // The URL may hold a password: never echo it.
        let scheme = text.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
        problem("DATABASE_URL", "must be postgres://..., sqlite:PATH or memory: (scheme \"\(scheme)\" is not supported)")
        return .memory
    }

    /// `redis://[[user]:password@]host[:port][/db]`, checked by the adapter's own parser; problems never echo the URL.
    mutating func redis(_ text: String) -> Configuration.RedisTarget? {
        do {
            return Configuration.RedisTarget(url: Secret(text), description: try RedisURL(text).description)
        } catch {
            problem("REDIS_URL", error.reason)
            return nil
        }
    }

    /// `postgres://user:password@host:port/database?sslmode=...&sslrootcert=...` (or `postgres://user@/database?host=/dir`
    /// for a Unix socket), checked by the adapter's own parser.
    /// Problems name the part that is wrong, never the URL (it may hold a password).
    mutating func postgres(_ text: String) -> Configuration.Database {
        do {
            let url = try PostgresURL(text)
            if let path = url.rootCertificatePath, !FileManager.default.isReadableFile(atPath: path) {
                problem("DATABASE_URL", "sslrootcert names a file that cannot be read")
            }
            return .postgres(
                Configuration.PostgresTarget(
                    url: Secret(text), host: url.host, port: url.port, database: url.database, username: url.username,
                    sslMode: url.sslMode.rawValue, socketDirectory: url.socketDirectory)
            )
        } catch {
            problem("DATABASE_URL", error.reason)
            return .memory
        }
    }
}
