import Domain
import Logging
import PostgresNIO
import _ConnectionPoolModule

/// How PostgreSQL's failures reach the domain: not reaching the server is `DomainError.unavailable("database")`,
/// anything else is thrown as it is.
enum PostgresFailure {
    /// Server error classes that say the server cannot serve us now: connection exceptions (08), refused
    /// authorization (28), unknown database (3D), exhausted resources (53), shutdown and cancellation by
    /// `statement_timeout` (57).
    private static let unavailableStates: Set<String> = ["3D000", "57014", "57P01", "57P02", "57P03"]
    private static let unavailableClasses: Set<String> = ["08", "28", "53"]

    /// Runs `body`, turning failures to reach the server into `DomainError.unavailable("database")` and logging them.
    static func translating<T>(logger: Logger, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            guard isUnavailable(error) else { throw error }
            logger.error("database unavailable", metadata: ["error": "\(summary(of: error))"])
            throw DomainError.unavailable("database")
        }
    }

    static func isUnavailable(_ error: any Error) -> Bool {
        switch error {
        case is PostgresLeaseTimeout, is PostgresNoAnswer, is ConnectionPoolError:
            return true
        case let error as PSQLError:
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed, .queryCancelled, .uncleanShutdown,
                .sslUnsupported, .failedToAddSSLHandler, .receivedUnencryptedDataAfterSSLRequest:
                return true
            case .server:
                guard let state = error.serverInfo?[.sqlState] else { return false }
                return unavailableStates.contains(state) || unavailableClasses.contains(String(state.prefix(2)))
            default:
                return false
            }
        default:
            return false
        }
    }

    /// Whether the statement broke the unique index or constraint `constraint`.
    static func isUniqueViolation(_ error: any Error, constraint: String) -> Bool {
        guard let error = error as? PSQLError, error.code == .server, let info = error.serverInfo else { return false }
        return info[.sqlState] == "23505" && info[.constraintName] == constraint
    }

    /// What went wrong, without the statement or its parameters (which may hold secrets).
    static func summary(of error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let info = error.serverInfo {
            return "\(info[.sqlState] ?? "?????"): \(info[.message] ?? "no message")"
        }
        let underlying = error.underlying.map { ": \($0)" } ?? ""
        return "\(error.code)\(underlying)"
    }
}
