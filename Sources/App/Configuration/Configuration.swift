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
    }

    public enum LogFormat: String, Sendable, CaseIterable {
        case json, pretty
    }

    public var environment: Environment
    public var host: String
    public var port: Int
    public var database: Database
    /// Whether DATABASE_URL was given explicitly (production demands it).
    public var databaseExplicit: Bool
    public var jwtSecret: Secret?
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
    public var shutdownTimeout: Duration
    public var shutdownDrainDelay: Duration
    public var migrationsDirectory: String
    public var docsAssetsURL: String

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
