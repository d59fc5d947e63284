import Foundation
import HTTPAdapter
import Logging

/// Portside's configuration: read from the environment (and an optional `.env`) once, validated once.
public struct Configuration: Sendable {
    public enum Environment: String, Sendable, CaseIterable {
        case development, test, production
    }

    public enum Database: Sendable, Equatable {
        case sqlite(path: String)
        case memory
        case postgres(PostgresTarget)
    }

    /// A `REDIS_URL`, checked: the whole URL (it may carry a password) and its description with the password masked.
    public struct RedisTarget: Sendable, Equatable {
        public let url: Secret
        public let description: String
    }

    /// A PostgreSQL `DATABASE_URL`, checked and taken apart; the password only ever inside `url`, a secret.
    public struct PostgresTarget: Sendable, Equatable {
        /// The whole URL as given (it may carry the password).
        public let url: Secret
        public let host: String
        public let port: Int
        public let database: String
        public let username: String
        /// `disable`, `prefer` or `require`.
        public let sslMode: String
        /// The directory of the server's Unix socket (`?host=/dir`), when it is reached through one.
        public var socketDirectory: String? = nil
    }

    public enum LogFormat: String, Sendable, CaseIterable {
        case json, pretty
    }

    public enum Mail: Sendable, Equatable {
        /// One `.eml` file per message in this directory.
        case file(directory: String)
        /// Kept in memory (tests).
        case memory
        /// Delivered over SMTP: the whole URL (it may carry a password) and its description with the password masked.
        case smtp(url: Secret, description: String)
    }

    /// `STORAGE_URL`: where uploaded objects live.
    public enum Storage: Sendable, Equatable {
        /// Files under this directory (`FileObjectStorage`).
        case file(directory: String)
        /// An S3-compatible bucket (`S3ObjectStorage`): the checked URL and the credentials from `STORAGE_ACCESS_KEY_ID`
        /// and `STORAGE_SECRET_ACCESS_KEY`.
        case s3(url: String, accessKeyID: String, secretAccessKey: Secret)
    }

    /// Where the example cache keeps its entries.
    public enum CacheStore: String, Sendable, CaseIterable {
        /// In each process, kept in step across instances by the events on the bus (the default: no network hop).
        case memory
        /// In Redis (`REDIS_URL`), shared by every instance; without `REDIS_URL`, in memory.
        case redis
    }

    public enum WorkerMode: String, Sendable, CaseIterable {
        /// `serve` runs the job worker in-process.
        case inline
        /// Jobs wait for a separate worker process.
        case off
    }

    public var environment: Environment
    public var host: String
    public var port: Int
    public var database: Database
    /// Whether DATABASE_URL was given explicitly (production demands it).
    public var databaseExplicit: Bool
    /// PostgreSQL: connections in the pool, per process.
    public var databasePoolSize: Int
    /// PostgreSQL: how long opening a connection may take.
    public var databaseConnectTimeout: Duration
    /// PostgreSQL: how long one query may take before the request gets a 503.
    public var databaseQueryTimeout: Duration
    public var jwtSecret: Secret?
    public var jwtIssuer: String
    public var jwtAudience: String
    public var accessTokenTTL: Duration
    public var refreshTokenTTL: Duration
    public var sessionMaxLifetime: Duration
    public var emailVerificationTTL: Duration
    public var passwordResetTTL: Duration
    /// How long the link sent to the address an email change replaces can undo the change.
    public var emailChangeCancelTTL: Duration
    /// Whether registration answers alike for new and taken addresses (202, no tokens).
    public var registrationConcealsExisting: Bool
    /// Wrong passwords for one account (by email, known or not) before each further attempt has to wait.
    public var lockoutMaxAttempts: Int
    /// Wrong passwords from one client address, whatever the accounts, before each further attempt has to wait.
    public var lockoutAddressMaxAttempts: Int
    /// The longest wait between attempts (the waits double from one second up to it).
    public var lockoutDuration: Duration
    /// How long after the last wrong password the failures are forgotten.
    public var lockoutReset: Duration
    public var authRateLimitMax: Int
    public var argon2MemoryKiB: Int
    public var argon2Iterations: Int
    public var argon2Parallelism: Int
    public var passwordMinLength: Int
    public var passwordRequiresUppercase: Bool
    public var passwordRequiresLowercase: Bool
    public var passwordRequiresDigit: Bool
    public var requireEmailVerification: Bool
    /// `REDIS_URL`: set, the job queue and the rate limits live in Redis, shared by every instance; unset, in memory.
    public var redis: RedisTarget?
    public var redisPoolSize: Int
    /// Prefixes every key Portside writes, so one Redis can serve several deployments.
    public var redisKeyPrefix: String
    public var redisTimeout: Duration
    /// `GET /api/v1/events`: heartbeat interval, open-stream limits, and how many events the bus keeps for replay.
    public var eventsHeartbeat: Duration
    /// How long examples stay in the cache (zero: not cached).
    public var examplesCacheTTL: Duration
    public var examplesCacheStore: CacheStore
    public var eventsMaxDuration: Duration
    public var eventsMaxStreamsPerUser: Int
    public var eventsMaxStreams: Int
    public var eventsRetention: Int
    public var mail: Mail
    public var mailFrom: String
    public var storage: Storage
    /// Largest avatar accepted, in bytes (`AVATAR_MAX_SIZE`).
    public var avatarMaxSize: Int = 2 * 1024 * 1024
    /// Largest attachment accepted, in bytes (`ATTACHMENT_MAX_SIZE`).
    public var attachmentMaxSize: Int = 25 * 1024 * 1024
    /// How long a presigned upload URL stays valid (`DIRECT_UPLOAD_TTL`).
    public var directUploadTTL: Duration = .seconds(900)
    /// How old an object no record refers to must be before the sweep deletes it (`ORPHAN_OBJECT_GRACE`).
    public var orphanObjectGrace: Duration = .seconds(86_400)
    public var jobAttempts: Int
    public var jobBackoff: Duration
    /// How long failed jobs stay in the dead-letter queue before a purge removes them.
    public var failedJobRetention: Duration
    /// How many failed jobs make `/health` and `/jobs/stats` raise the alert.
    public var failedJobsAlertThreshold: Int
    public var workerConcurrency: Int
    /// How long a worker holds a job before another may take it (the worker is then presumed dead).
    public var jobLease: Duration
    public var workerMode: WorkerMode
    public var publicBaseURL: String
    public var corsOrigins: [String]
    public var trustedProxies: [String]
    public var bodyLimit: Int
    public var rateLimitWindow: Duration
    public var rateLimitMax: Int
    public var idleTimeout: Duration
    public var requestTimeout: Duration
    public var logLevel: Logger.Level
    public var logFormat: LogFormat
    /// Also write the log to this file, rotated by size or day (nil: standard output only).
    public var logFile: String?
    public var logMaxSize: Int
    /// How many rotated log files are kept beside the current one.
    public var logMaxFiles: Int
    public var shutdownTimeout: Duration
    public var shutdownDrainDelay: Duration
    public var migrationsDirectory: String
    /// Whether the docs page, its Swagger UI assets and the `/` redirect are served (`/openapi.json` always is).
    public var docsEnabled: Bool
    /// An operator's own host for the Swagger UI files instead of the bundled ones (nil: the binary serves its own).
    public var docsAssetsURL: String?
    /// Whether metrics are recorded and `/metrics` served (off only to measure their cost, or where nothing scrapes).
    public var metricsEnabled: Bool
    /// The port of `portside worker`'s `/metrics` and `/health/live` (0: any free port).
    public var workerMetricsPort: Int
    /// A bearer token `/metrics` requires (nil: open, for a scraper on a private network).
    public var metricsToken: Secret?
    /// Where spans and metrics are exported over OTLP/HTTP (nil: no exporter, and no tracing cost).
    public var otlpEndpoint: String?
    public var otelServiceName: String
    /// Where alerts are POSTed (nil: alerts are only logged).
    public var alertWebhookURL: Secret?
    /// The share of 5xx answers, in percent, that raises an alert over `alertErrorWindow`.
    public var alertErrorRatePercent: Int
    public var alertErrorWindow: Duration
    /// Fewer answers than this in a window never raise the error-rate alert (one 500 out of two is not an incident).
    public var alertErrorMinimumRequests: Int

    public var isProduction: Bool { environment == .production }
}

/// A secret value: never printed, never logged.
public struct Secret: Sendable, Equatable, CustomStringConvertible {
    public let value: String

    public init(_ value: String) {
        self.value = value
    }

    public var description: String { "[redacted]" }
}

/// Every problem found in the configuration, each naming its key.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public let problems: [String]

    public var description: String {
        "invalid configuration:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}
