import Foundation

extension Configuration: CustomStringConvertible {
    /// The effective configuration as `KEY=value` pairs, in the README's order, with secrets redacted.
    public var entries: [(key: String, value: String)] {
        [
            ("APP_ENV", environment.rawValue),
            ("HOST", host),
            ("PORT", String(port)),
            ("DATABASE_URL", databaseDescription),
            ("DATABASE_POOL_SIZE", String(databasePoolSize)),
            ("DATABASE_CONNECT_TIMEOUT", ConfigurationValues.describe(databaseConnectTimeout)),
            ("DATABASE_QUERY_TIMEOUT", ConfigurationValues.describe(databaseQueryTimeout)),
            ("JWT_SECRET", jwtSecret.map { "\($0) (\($0.value.count) characters)" } ?? "(not set)"),
            ("JWT_ISSUER", jwtIssuer),
            ("JWT_AUDIENCE", jwtAudience),
            ("ACCESS_TOKEN_TTL", ConfigurationValues.describe(accessTokenTTL)),
            ("REFRESH_TOKEN_TTL", ConfigurationValues.describe(refreshTokenTTL)),
            ("SESSION_MAX_LIFETIME", ConfigurationValues.describe(sessionMaxLifetime)),
            ("EMAIL_VERIFICATION_TTL", ConfigurationValues.describe(emailVerificationTTL)),
            ("PASSWORD_RESET_TTL", ConfigurationValues.describe(passwordResetTTL)),
            ("EMAIL_CHANGE_CANCEL_TTL", ConfigurationValues.describe(emailChangeCancelTTL)),
            ("REGISTRATION_CONCEALS_EXISTING", String(registrationConcealsExisting)),
            ("LOCKOUT_MAX_ATTEMPTS", String(lockoutMaxAttempts)),
            ("LOCKOUT_ADDRESS_MAX_ATTEMPTS", String(lockoutAddressMaxAttempts)),
            ("LOCKOUT_DURATION", ConfigurationValues.describe(lockoutDuration)),
            ("LOCKOUT_RESET", ConfigurationValues.describe(lockoutReset)),
            ("AUTH_RATE_LIMIT_MAX", String(authRateLimitMax)),
            ("ARGON2_MEMORY_KIB", String(argon2MemoryKiB)),
            ("ARGON2_ITERATIONS", String(argon2Iterations)),
            ("ARGON2_PARALLELISM", String(argon2Parallelism)),
            ("PASSWORD_MIN_LENGTH", String(passwordMinLength)),
            ("PASSWORD_REQUIRE_UPPERCASE", String(passwordRequiresUppercase)),
            ("PASSWORD_REQUIRE_LOWERCASE", String(passwordRequiresLowercase)),
            ("PASSWORD_REQUIRE_DIGIT", String(passwordRequiresDigit)),
            ("REQUIRE_EMAIL_VERIFICATION", String(requireEmailVerification)),
            ("REDIS_URL", redis?.description ?? "(not set: jobs and rate limits in memory)"),
            ("REDIS_POOL_SIZE", String(redisPoolSize)),
            ("REDIS_KEY_PREFIX", redisKeyPrefix),
            ("REDIS_TIMEOUT", ConfigurationValues.describe(redisTimeout)),
            ("EXAMPLES_CACHE_TTL", ConfigurationValues.describe(examplesCacheTTL)),
            ("EXAMPLES_CACHE_STORE", examplesCacheStore.rawValue),
            ("EVENTS_HEARTBEAT", ConfigurationValues.describe(eventsHeartbeat)),
            ("EVENTS_MAX_DURATION", ConfigurationValues.describe(eventsMaxDuration)),
            ("EVENTS_MAX_STREAMS_PER_USER", String(eventsMaxStreamsPerUser)),
            ("EVENTS_MAX_STREAMS", String(eventsMaxStreams)),
            ("EVENTS_RETENTION", String(eventsRetention)),
            ("MAIL_URL", mailDescription),
            ("MAIL_FROM", mailFrom),
            ("STORAGE_URL", storageDescription),
            ("STORAGE_ACCESS_KEY_ID", storageAccessKeyID ?? "(not set)"),
            ("STORAGE_SECRET_ACCESS_KEY", storageSecretAccessKey.map { "\($0)" } ?? "(not set)"),
            ("AVATAR_MAX_SIZE", "\(avatarMaxSize) bytes"),
            ("ATTACHMENT_MAX_SIZE", "\(attachmentMaxSize) bytes"),
            ("DIRECT_UPLOAD_TTL", ConfigurationValues.describe(directUploadTTL)),
            ("ORPHAN_OBJECT_GRACE", ConfigurationValues.describe(orphanObjectGrace)),
            ("JOB_ATTEMPTS", String(jobAttempts)),
            ("JOB_BACKOFF", ConfigurationValues.describe(jobBackoff)),
            ("FAILED_JOB_RETENTION", ConfigurationValues.describe(failedJobRetention)),
            ("FAILED_JOBS_ALERT_THRESHOLD", String(failedJobsAlertThreshold)),
            ("WORKER_CONCURRENCY", String(workerConcurrency)),
            ("JOB_LEASE", ConfigurationValues.describe(jobLease)),
            ("WORKER_MODE", workerMode.rawValue),
            ("PUBLIC_BASE_URL", publicBaseURL),
            ("CORS_ORIGINS", corsOrigins.joined(separator: ",")),
            ("TRUSTED_PROXIES", trustedProxies.joined(separator: ",")),
            ("BODY_LIMIT", "\(bodyLimit) bytes"),
            ("RATE_LIMIT_WINDOW", ConfigurationValues.describe(rateLimitWindow)),
            ("RATE_LIMIT_MAX", String(rateLimitMax)),
            ("IDLE_TIMEOUT", ConfigurationValues.describe(idleTimeout)),
            ("REQUEST_TIMEOUT", ConfigurationValues.describe(requestTimeout)),
            ("LOG_LEVEL", logLevel.rawValue),
            ("LOG_FORMAT", logFormat.rawValue),
            ("LOG_FILE", logFile ?? "(not set: standard output only)"),
            ("LOG_MAX_SIZE", ConfigurationValues.describeSize(logMaxSize)),
            ("LOG_MAX_FILES", String(logMaxFiles)),
            ("SHUTDOWN_TIMEOUT", ConfigurationValues.describe(shutdownTimeout)),
            ("SHUTDOWN_DRAIN_DELAY", ConfigurationValues.describe(shutdownDrainDelay)),
            ("MIGRATIONS_DIR", migrationsDirectory),
            ("DOCS_ENABLED", String(docsEnabled)),
            ("DOCS_ASSETS_URL", docsAssetsURL ?? "(not set: the binary serves its own pinned Swagger UI)"),
            ("METRICS_ENABLED", String(metricsEnabled)),
            ("WORKER_METRICS_PORT", String(workerMetricsPort)),
            ("METRICS_TOKEN", metricsToken.map { "\($0)" } ?? "(not set: /metrics is open)"),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", otlpEndpoint ?? "(not set: no tracing)"),
            ("OTEL_SERVICE_NAME", otelServiceName),
            ("ALERT_WEBHOOK_URL", alertWebhookURL.map { "\($0)" } ?? "(not set: alerts are logged only)"),
            ("ALERT_ERROR_RATE_PERCENT", String(alertErrorRatePercent)),
            ("ALERT_ERROR_WINDOW", ConfigurationValues.describe(alertErrorWindow)),
            ("ALERT_ERROR_MIN_REQUESTS", String(alertErrorMinimumRequests)),
        ]
    }

    public var description: String {
        entries.map { "\($0.key)=\($0.value)" }.joined(separator: "\n")
    }

    /// `MAIL_URL` as it may be shown.
    public var mailDescription: String {
        switch mail {
        case .file(let directory): "file:\(directory)"
        case .memory: "memory:"
        case .smtp(_, let description): description
        }
    }

    /// `STORAGE_URL` as it may be shown (it never holds credentials).
    public var storageDescription: String {
        switch storage {
        case .file(let directory): "file:\(directory)"
        case .s3(let url, _, _): url
        }
    }

    private var storageAccessKeyID: String? {
        if case .s3(_, let id, _) = storage { return id }
        return nil
    }

    private var storageSecretAccessKey: Secret? {
        if case .s3(_, _, let secret) = storage { return secret }
        return nil
    }

    /// `DATABASE_URL` as it may be shown (no credentials).
    public var databaseDescription: String {
        switch database {
        case .sqlite(let path): "sqlite:\(path)"
        case .memory: "memory:"
        case .postgres(let target):
            if let socketDirectory = target.socketDirectory {
                "postgres://\(target.username):[redacted]@:\(target.port)/\(target.database)?host=\(socketDirectory)&sslmode=\(target.sslMode)"
            } else {
                "postgres://\(target.username):[redacted]@\(target.host):\(target.port)/\(target.database)?sslmode=\(target.sslMode)"
            }
        }
    }
}
