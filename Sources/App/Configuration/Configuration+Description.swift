import Foundation

extension Configuration: CustomStringConvertible {
    /// The effective configuration as `KEY=value` pairs, in the README's order, with secrets redacted.
    public var entries: [(key: String, value: String)] {
        [
            ("APP_ENV", environment.rawValue),
            ("HOST", host),
            ("PORT", String(port)),
            ("DATABASE_URL", databaseDescription),
            ("JWT_SECRET", jwtSecret.map { "\($0) (\($0.value.count) characters)" } ?? "(not set)"),
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
            ("SHUTDOWN_TIMEOUT", ConfigurationValues.describe(shutdownTimeout)),
            ("SHUTDOWN_DRAIN_DELAY", ConfigurationValues.describe(shutdownDrainDelay)),
            ("MIGRATIONS_DIR", migrationsDirectory),
            ("DOCS_ASSETS_URL", docsAssetsURL),
        ]
    }

    public var description: String {
        entries.map { "\($0.key)=\($0.value)" }.joined(separator: "\n")
    }

    /// `DATABASE_URL` as it may be shown (no credentials).
    public var databaseDescription: String {
        switch database {
        case .sqlite(let path): "sqlite:\(path)"
        case .memory: "memory:"
        }
    }
}
