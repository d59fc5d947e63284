import Foundation
import HTTPAdapter
import Logging

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
        var reader = Reader(env: env)
        let environment = reader.choice("APP_ENV", default: Environment.development)
        let production = environment == .production
        let databaseURL = reader.string("DATABASE_URL")

        var configuration = Configuration(
            environment: environment,
            host: reader.string("HOST") ?? (production ? "0.0.0.0" : "127.0.0.1"),
            port: reader.integer("PORT", default: 8080, in: 0...65535),
            database: reader.database(databaseURL ?? "sqlite:data/portside.sqlite"),
            databaseExplicit: databaseURL != nil,
            jwtSecret: reader.string("JWT_SECRET").map(Secret.init),
            publicBaseURL: reader.url("PUBLIC_BASE_URL", default: "http://localhost:8080"),
            // Set but empty means "no cross-origin callers", even in development.
            corsOrigins: ConfigurationValues.list(env["CORS_ORIGINS"] ?? (production ? "" : "http://localhost:3000,http://localhost:5173")),
            trustedProxies: ConfigurationValues.list(reader.string("TRUSTED_PROXIES") ?? ""),
            bodyLimit: reader.size("BODY_LIMIT", default: "10kb", in: 1...(64 * 1024 * 1024)),
            rateLimitWindow: reader.duration("RATE_LIMIT_WINDOW", default: "15m", minimum: .seconds(1)),
            rateLimitMax: reader.integer("RATE_LIMIT_MAX", default: 1000, in: 1...Int(Int32.max)),
            idleTimeout: reader.duration("IDLE_TIMEOUT", default: "30s", minimum: .seconds(1)),
            requestTimeout: reader.duration("REQUEST_TIMEOUT", default: "20s", minimum: .seconds(1)),
            logLevel: reader.choice("LOG_LEVEL", default: Logger.Level.info),
            logFormat: reader.choice("LOG_FORMAT", default: production ? LogFormat.json : .pretty),
            shutdownTimeout: reader.duration("SHUTDOWN_TIMEOUT", default: "30s", minimum: .seconds(1)),
            shutdownDrainDelay: reader.duration("SHUTDOWN_DRAIN_DELAY", default: production ? "5s" : "0s", minimum: .zero),
            migrationsDirectory: reader.string("MIGRATIONS_DIR") ?? "migrations",
            docsAssetsURL: reader.string("DOCS_ASSETS_URL") ?? "https://unpkg.com/swagger-ui-dist@5"
        )
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
        if production {
            if databaseURL == nil { reader.problem("DATABASE_URL", "must be set explicitly in production") }
            if configuration.database == .memory { reader.problem("DATABASE_URL", "memory: loses every write on restart; not allowed in production") }
            if (configuration.jwtSecret?.value.count ?? 0) < 64 { reader.problem("JWT_SECRET", "must be at least 64 characters in production") }
            if configuration.corsOrigins.contains("*") { reader.problem("CORS_ORIGINS", "must not contain * in production") }
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

/// Reads keys, collecting every problem instead of stopping at the first.
private struct Reader {
    let env: [String: String]
    var problems: [String] = []

    mutating func problem(_ key: String, _ message: String) {
        problems.append("\(key): \(message)")
    }

    func string(_ key: String) -> String? {
        guard let value = env[key]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
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
            problem(key, "must be a size such as 512b, 10kb or 1mb, between \(range.lowerBound) bytes and 64mb (got \"\(text)\")")
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
        if text.hasPrefix("sqlite:") {
            var path = String(text.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            if !path.isEmpty { return .sqlite(path: path) }
        }
        // The URL may hold a password: never echo it.
        let scheme = text.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
        problem("DATABASE_URL", "must be sqlite:PATH or memory: (scheme \"\(scheme)\" is not supported)")
        return .memory
    }
}
