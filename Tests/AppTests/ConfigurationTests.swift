import Foundation
import Logging
import Testing

@testable import App

@Suite struct ConfigurationTests {
    @Test func noConfigurationAtAllGivesTheDevelopmentDefaults() throws {
        let configuration = try Configuration.parse([:])

        #expect(configuration.environment == .development)
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8080)
        #expect(configuration.database == .sqlite(path: "data/portside.sqlite"))
        #expect(configuration.bodyLimit == 10 * 1024)
        #expect(configuration.rateLimitWindow == .seconds(15 * 60))
        #expect(configuration.rateLimitMax == 1000)
        #expect(configuration.shutdownTimeout == .seconds(30))
        #expect(configuration.logFormat == .pretty)
        #expect(configuration.logLevel == .info)
        #expect(configuration.migrationsDirectory == "migrations")
    }

    @Test func valuesAreParsedInTheirUnits() throws {
        let configuration = try Configuration.parse([
            "PORT": "9000", "BODY_LIMIT": "1mb", "RATE_LIMIT_WINDOW": "90s", "SHUTDOWN_TIMEOUT": "2m",
            "DATABASE_URL": "memory:", "LOG_LEVEL": "DEBUG", "LOG_FORMAT": "json", "CORS_ORIGINS": "https://a.example, https://b.example/",
        ])

        #expect(configuration.port == 9000)
        #expect(configuration.bodyLimit == 1024 * 1024)
        #expect(configuration.rateLimitWindow == .seconds(90))
        #expect(configuration.shutdownTimeout == .seconds(120))
        #expect(configuration.database == .memory)
        #expect(configuration.logLevel == .debug)
        #expect(configuration.logFormat == .json)
        #expect(configuration.corsOrigins == ["https://a.example", "https://b.example"])
    }

    @Test func everyProblemIsListedAtOnceNamingItsKey() throws {
        let error = #expect(throws: ConfigurationError.self) {
            try Configuration.parse([
                "PORT": "80a0", "BODY_LIMIT": "ten", "RATE_LIMIT_WINDOW": "soon", "LOG_LEVEL": "loud",
                "TRUSTED_PROXIES": "10.0.0.0/8, not-an-ip", "DATABASE_URL": "mysql://user:hunter2@db/app",
            ])
        }
        let problems = try #require(error?.problems)
        let keys = problems.map { String($0.prefix { $0 != ":" }) }

        #expect(Set(keys) == ["PORT", "BODY_LIMIT", "RATE_LIMIT_WINDOW", "LOG_LEVEL", "TRUSTED_PROXIES", "DATABASE_URL"])
        #expect(problems.contains { $0.contains("80a0") })
        #expect(!problems.joined().contains("hunter2"))
    }

    @Test func productionDemandsWhatProductionNeeds() throws {
        let error = #expect(throws: ConfigurationError.self) {
            try Configuration.parse(["APP_ENV": "production", "JWT_SECRET": String(repeating: "s", count: 63), "CORS_ORIGINS": "*"])
        }
        let problems = try #require(error?.problems)

        #expect(problems.contains("DATABASE_URL: must be set explicitly in production"))
        #expect(problems.contains("JWT_SECRET: must be at least 64 characters in production"))
        #expect(problems.contains("CORS_ORIGINS: must not contain * in production"))
        #expect(!problems.joined().contains(String(repeating: "s", count: 63)))
    }

    @Test(arguments: [
        (String(repeating: "k", count: 64), "JWT_SECRET: uses only 1 different characters: generate it, e.g. openssl rand -base64 48"),
        (String(repeating: "0123456789abcdef", count: 4), "JWT_SECRET: repeats a pattern: generate it, e.g. openssl rand -base64 48"),
        (
            "GCTAAAGACAATTACATAACATACACGTCAGCACGAAACTTGTTGGCCCAGTGTGAATCGCTTAuvwxyz",
            "JWT_SECRET: holds too little randomness: generate it, e.g. openssl rand -base64 48"
        ),
    ])
    func productionRefusesASecretThatIsLongButGuessable(secret: String, problem: String) throws {
        let error = #expect(throws: ConfigurationError.self) {
            try Configuration.parse([
                "APP_ENV": "production", "DATABASE_URL": "sqlite:/var/lib/portside/db.sqlite", "METRICS_ENABLED": "false", "JWT_SECRET": secret,
            ])
        }
        #expect(error?.problems == [problem])
        let printed = error?.problems.joined(separator: "\n") ?? ""
        #expect(printed.range(of: secret) == nil)
    }

    @Test func generatedSecretsPassTheStrengthCheck() throws {
        // What `openssl rand -hex 32`, `-hex 48` and `-base64 48` produce: random bytes, in hex or base64.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let bytes = (0..<48).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            let hex32 = bytes.prefix(32).map { String(format: "%02x", $0) }.joined()
            let hex48 = bytes.map { String(format: "%02x", $0) }.joined()
            let base64 = Data(bytes).base64EncodedString()
            for secret in [hex32, hex48, base64] {
                #expect(SecretStrength.weakness(of: secret) == nil, "\(secret)")
            }
        }
    }

    @Test func propagatorsTheTracerWouldStopTheProcessForAreRefused() throws {
        let error = #expect(throws: ConfigurationError.self) { try Configuration.parse(["OTEL_PROPAGATORS": "tracecontext, baggage,b3"]) }
        #expect(error?.problems == ["OTEL_PROPAGATORS: only tracecontext (or none) is supported (got baggage, b3)"])
        #expect(try Configuration.parse(["OTEL_PROPAGATORS": "tracecontext"]).otlpEndpoint == nil)
    }

    @Test func aCompleteProductionConfigurationIsAccepted() throws {
        let configuration = try Configuration.parse([
            "APP_ENV": "production", "DATABASE_URL": "sqlite:/var/lib/portside/db.sqlite",
            "JWT_SECRET": "Vq3xR8mZt2Lk9WcY4pHn7BsJ1dGf6TaU0eKr5NyQw8Zi3XoM2vCb7LhS9jPg4uDt", "CORS_ORIGINS": "https://app.example.com",
            "METRICS_TOKEN": "scrape-token-0123456789",
        ])

        #expect(configuration.isProduction)
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.logFormat == .json)
        #expect(configuration.shutdownDrainDelay == .seconds(5))
    }

    @Test func productionNeedsAMetricsTokenUnlessMetricsAreOff() throws {
        let production = [
            "APP_ENV": "production", "DATABASE_URL": "sqlite:/var/lib/portside/db.sqlite",
            "JWT_SECRET": "Vq3xR8mZt2Lk9WcY4pHn7BsJ1dGf6TaU0eKr5NyQw8Zi3XoM2vCb7LhS9jPg4uDt",
        ]
        let error = #expect(throws: ConfigurationError.self) { try Configuration.parse(production) }
        #expect(error?.problems == ["METRICS_TOKEN: must be set in production (or METRICS_ENABLED=false)"])
        #expect(try Configuration.parse(production.merging(["METRICS_ENABLED": "false"]) { $1 }).metricsToken == nil)
        let short = #expect(throws: ConfigurationError.self) { try Configuration.parse(production.merging(["METRICS_TOKEN": "short"]) { $1 }) }
        #expect(short?.problems == ["METRICS_TOKEN: must be at least 16 characters"])
    }

    @Test func theDocsAreOffByDefaultInProductionOnlyAndServeTheirOwnAssets() throws {
        let production = [
            "APP_ENV": "production", "DATABASE_URL": "sqlite:/var/lib/portside/db.sqlite", "METRICS_ENABLED": "false",
            "JWT_SECRET": "Vq3xR8mZt2Lk9WcY4pHn7BsJ1dGf6TaU0eKr5NyQw8Zi3XoM2vCb7LhS9jPg4uDt",
        ]
        #expect(try Configuration.parse(production).docsEnabled == false)
        #expect(try Configuration.parse(production.merging(["DOCS_ENABLED": "true"]) { $1 }).docsEnabled)
        #expect(try Configuration.parse([:]).docsEnabled)
        #expect(try Configuration.parse(["APP_ENV": "test", "DOCS_ENABLED": "false"]).docsEnabled == false)
        #expect(try Configuration.parse([:]).docsAssetsURL == nil)
        let ownHost = try Configuration.parse(["DOCS_ASSETS_URL": "https://static.example.com/swagger/"])
        #expect(ownHost.docsAssetsURL == "https://static.example.com/swagger")

        let error = #expect(throws: ConfigurationError.self) {
            try Configuration.parse(["DOCS_ENABLED": "maybe", "DOCS_ASSETS_URL": "unpkg.com/swagger-ui-dist"])
        }
        #expect(error?.problems.map { String($0.prefix { $0 != ":" }) } == ["DOCS_ENABLED", "DOCS_ASSETS_URL"])
    }

    @Test func anOTLPProtocolThisBuildCannotSpeakIsRefused() throws {
        let error = #expect(throws: ConfigurationError.self) {
            try Configuration.parse(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"])
        }
        #expect(error?.problems == [#"OTEL_EXPORTER_OTLP_PROTOCOL: must be http/protobuf or http/json (got "grpc")"#])
        let configuration = try Configuration.parse([
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318/", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json",
        ])
        #expect(configuration.otlpEndpoint == "http://collector:4318")
    }

    @Test func theAlertWebhookIsASecretNeverShownEvenWhenWrong() throws {
        let configuration = try Configuration.parse(["ALERT_WEBHOOK_URL": "https://hooks.example.com/T0/abc-secret"])
        #expect(configuration.alertWebhookURL?.value == "https://hooks.example.com/T0/abc-secret")
        #expect(!configuration.description.contains("abc-secret"))
        let error = #expect(throws: ConfigurationError.self) { try Configuration.parse(["ALERT_WEBHOOK_URL": "ftp://abc-secret@host"]) }
        #expect(error?.problems == ["ALERT_WEBHOOK_URL: must be an http(s) URL"])
    }

    @Test func productionRefusesTheMemoryDatabase() throws {
        let error = #expect(throws: ConfigurationError.self) {
            try Configuration.parse([
                "APP_ENV": "production", "DATABASE_URL": "memory:", "JWT_SECRET": "Vq3xR8mZt2Lk9WcY4pHn7BsJ1dGf6TaU0eKr5NyQw8Zi3XoM2vCb7LhS9jPg4uDt",
                "METRICS_ENABLED": "false",
            ])
        }
        #expect(error?.problems == ["DATABASE_URL: memory: loses every write on restart; not allowed in production"])
    }

    @Test func secretsAreRedactedWhenPrinted() throws {
        let secret = "correct-horse-battery-staple-" + String(repeating: "x", count: 40)
        let configuration = try Configuration.parse(["JWT_SECRET": secret])

        #expect(!configuration.description.contains(secret))
        #expect(!"\(configuration.jwtSecret!)".contains(secret))
        #expect(configuration.description.contains("JWT_SECRET=[redacted] (69 characters)"))
    }

    @Test func anEmptyCORSOriginsSwitchesCrossOriginCallsOff() throws {
        #expect(try Configuration.parse(["CORS_ORIGINS": ""]).corsOrigins.isEmpty)
        #expect(try Configuration.parse([:]).corsOrigins == ["http://localhost:3000", "http://localhost:5173"])
    }

    @Test func drainDelayAndRequestTimeoutMustFitInTheShutdownTimeout() throws {
        let error = #expect(throws: ConfigurationError.self) {
            try Configuration.parse(["SHUTDOWN_DRAIN_DELAY": "15s", "REQUEST_TIMEOUT": "15s", "SHUTDOWN_TIMEOUT": "30s"])
        }
        #expect(error?.problems == ["SHUTDOWN_TIMEOUT: must be longer than SHUTDOWN_DRAIN_DELAY + REQUEST_TIMEOUT (15s + 15s)"])
        #expect(try Configuration.parse(["SHUTDOWN_DRAIN_DELAY": "5s", "REQUEST_TIMEOUT": "20s"]).shutdownTimeout == .seconds(30))
    }

    @Test(arguments: ["1e300", "366d", "10000000000", "-1s", "NaN", "inf"])
    func absurdDurationsAreProblemsNotCrashes(value: String) {
        let error = #expect(throws: ConfigurationError.self) { try Configuration.parse(["RATE_LIMIT_WINDOW": value]) }
        #expect(error?.problems.first?.hasPrefix("RATE_LIMIT_WINDOW:") == true)
    }

    @Test func realEnvironmentVariablesWinOverTheDotEnvFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("portside-env-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent(".env")
        try """
        # comment
        export PORT=9100
        LOG_LEVEL="debug"
        BODY_LIMIT=2kb # inline comment
        """.write(to: file, atomically: true, encoding: .utf8)

        let configuration = try Configuration.load(dotEnvPath: file.path, process: ["PORT": "9200"])

        #expect(configuration.port == 9200)
        #expect(configuration.logLevel == .debug)
        #expect(configuration.bodyLimit == 2048)
    }

    @Test func aMissingDotEnvFileIsFine() throws {
        let configuration = try Configuration.load(dotEnvPath: "/nonexistent/.env", process: ["PORT": "9300"])
        #expect(configuration.port == 9300)
    }
}
