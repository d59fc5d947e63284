import CryptoAdapters
import Domain
import Foundation
import Logging
import SystemAdapters

extension Portside {
    /// Creates an administrator account (`portside users create-admin`) in the configured database, migrating it
    /// first outside production, as `serve` would.
    public static func createAdministrator(
        configuration: Configuration, logger: Logger, name: String, email: String, password: String
    ) async throws -> (id: String, email: String) {
        let persistence = try await openPersistence(configuration, logger: logger)
        do {
            try await persistence.prepareSchema()
            let user = try await withRunning(persistence) {
                let clock = SystemClock()
                // No token is issued here, so an unset JWT_SECRET needs no warning.
                var configuration = configuration
                if configuration.jwtSecret == nil { configuration.jwtSecret = Secret(SecureTokenGenerator().makeToken()) }
                let identity = try await makeIdentity(
                    configuration, persistence: persistence, clock: clock, ids: UUIDv7Generator(clock: clock), logger: logger
                )
                let created: Result<User, any Error>
                do {
                    created = .success(try await UserService(identity.dependencies).createAdministrator(name: name, email: email, password: password))
                } catch {
                    created = .failure(error)
                }
                await identity.hasher.shutdown()
                do {
                    return try created.get()
                } catch let error as DomainError {
                    throw CommandFailure(message: describe(error))
                }
            }
            await persistence.close()
            return (user.id.uuidString.lowercased(), user.email)
        } catch {
            await persistence.close()
            throw error
        }
    }

    /// Runs `body` while the database's service runs (a PostgreSQL pool only serves queries while it runs), then
    /// stops it.
    static func withRunning<T: Sendable>(_ persistence: Persistence, _ body: () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            if let service = persistence.service { group.addTask { try await service.run() } }
            defer { group.cancelAll() }
            return try await body()
        }
    }

    /// A random password that meets the configured policy (about 190 bits).
    public static func generatePassword(configuration: Configuration) -> String {
        let policy = identitySettings(configuration).passwordPolicy
        while true {
            let candidate = String(SecureTokenGenerator().makeToken().prefix(32))
            if policy.problems(with: candidate).isEmpty { return candidate }
        }
    }
}

/// A failure explained in one line for the command line.
public struct CommandFailure: Error, CustomStringConvertible {
    public let message: String

    public var description: String { message }
}

extension Portside {
    /// A domain error as one line for the command line.
    static func describe(_ error: DomainError) -> String {
        switch error {
        case .validation(let problems): problems.map { "\($0.field): \($0.message)" }.joined(separator: "; ")
        case .conflict(let message), .forbidden(let message): message
        default: "\(error)"
        }
    }
}

/// What `portside hash-benchmark` measured.
public struct HashBenchmark: Sendable {
    public let hashes: Int
    public let seconds: Double
    public let threads: Int

    public var hashesPerSecond: Double { Double(hashes) / seconds }
}

extension Portside {
    /// Hashes as fast as the configured Argon2id parameters allow on this machine, with the hasher's own pool (one
    /// thread per core), for `duration`: the ceiling for logins per second, and a guide for choosing ARGON2_*.
    public static func hashBenchmark(configuration: Configuration, duration: Duration) async throws -> HashBenchmark {
        let threads = ProcessInfo.processInfo.activeProcessorCount
        let hasher = try await Argon2PasswordHasher.start(
            parameters: Argon2Parameters(
                memoryKiB: UInt32(configuration.argon2MemoryKiB),
                iterations: UInt32(configuration.argon2Iterations),
                parallelism: UInt32(configuration.argon2Parallelism)
            ),
            threads: threads
        )
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + duration
        let hashes = try await withThrowingTaskGroup(of: Int.self) { group in
            // Twice as many callers as threads keeps every thread busy without an unbounded queue.
            for _ in 0..<(threads * 2) {
                group.addTask {
                    var count = 0
                    while clock.now < deadline {
                        _ = try await hasher.hash("benchmark-Passw0rd")
                        count += 1
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        let elapsed = clock.now - start
        await hasher.shutdown()
        return HashBenchmark(
            hashes: hashes, seconds: elapsed.seconds, threads: threads)
    }
}
