import CArgon2
import Domain
import Foundation
import NIOPosix
import Synchronization

/// Argon2id cost parameters. The defaults are the floor Portside accepts (OWASP's m=19 MiB, t=2, p=1).
public struct Argon2Parameters: Sendable, Equatable {
    public var memoryKiB: UInt32
    public var iterations: UInt32
    public var parallelism: UInt32

    public init(memoryKiB: UInt32 = 19_456, iterations: UInt32 = 2, parallelism: UInt32 = 1) {
        self.memoryKiB = memoryKiB
        self.iterations = iterations
        self.parallelism = parallelism
    }

    /// Whether a hash made with `other` is weaker than one made with these.
    func isStronger(than other: Argon2Parameters) -> Bool {
        other.memoryKiB < memoryKiB || other.iterations < iterations || other.parallelism < parallelism
    }
}

/// `PasswordHasher` on libargon2 (Argon2id, version 19). Hashing runs on its own thread pool with one thread per
/// core, so no more hashes run at once than there are cores and the request event loops never block. A hash that
/// waited longer than `maximumWait` for a thread, or arrives when `maximumQueued` are already waiting, is refused
/// with `DomainError.overloaded` (the HTTP adapter answers 503 with Retry-After).
public final class Argon2PasswordHasher: PasswordHasher {
    public let parameters: Argon2Parameters
    private let pool: NIOThreadPool
    private let maximumWait: Duration
    private let maximumQueued: Int
    private let queued = Atomic<Int>(0)
    let dummyHash: String

    private init(parameters: Argon2Parameters, pool: NIOThreadPool, maximumWait: Duration, maximumQueued: Int, dummyHash: String) {
        self.parameters = parameters
        self.pool = pool
        self.maximumWait = maximumWait
        self.maximumQueued = maximumQueued
        self.dummyHash = dummyHash
    }

    /// Starts the hashing threads and prepares the dummy hash used for unknown accounts.
    public static func start(
        parameters: Argon2Parameters = Argon2Parameters(),
        threads: Int = ProcessInfo.processInfo.activeProcessorCount,
        maximumWait: Duration = .seconds(2),
        maximumQueued: Int = 256
    ) async throws -> Argon2PasswordHasher {
        let pool = NIOThreadPool(numberOfThreads: max(1, threads))
        pool.start()
        do {
            let dummy = try await pool.runIfActive {
                try encode(SecureTokenGenerator().makeToken(), salt: randomSalt(), parameters: parameters)
            }
            return Argon2PasswordHasher(
                parameters: parameters, pool: pool, maximumWait: maximumWait, maximumQueued: maximumQueued, dummyHash: dummy
            )
        } catch {
            try? await pool.shutdownGracefully()
            throw error
        }
    }

    /// Hashes and checks waiting for a thread or running, for metrics.
    public var queueDepth: Int { queued.load(ordering: .relaxed) }

    /// Stops the hashing threads once the queued work is done.
    public func shutdown() async {
        try? await pool.shutdownGracefully()
    }

    public func hash(_ password: String) async throws -> String {
        let parameters = parameters
        return try await run { try Self.encode(password, salt: Self.randomSalt(), parameters: parameters) }
    }

    public func verify(_ password: String, against hash: String) async throws -> PasswordCheck {
        guard let stored = Self.parameters(of: hash) else { return PasswordCheck(matches: false, needsRehash: false) }
        let matches = try await run { Self.verifies(password, hash) }
        return PasswordCheck(matches: matches, needsRehash: matches && parameters.isStronger(than: stored))
    }

    public func verifyDummy(_ password: String) async throws {
        let dummy = dummyHash
        _ = try await run { Self.verifies(password, dummy) }
    }

    /// Runs blocking hashing work on the pool, refusing it when the queue is too long or the wait was too long.
    private func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        let waiting = queued.wrappingAdd(1, ordering: .relaxed).newValue
        defer { queued.wrappingSubtract(1, ordering: .relaxed) }
        guard waiting <= maximumQueued else { throw DomainError.overloaded(retryAfterSeconds: 1) }
        let enqueued = ContinuousClock.now
        let maximumWait = maximumWait
        return try await pool.runIfActive {
            guard ContinuousClock.now - enqueued <= maximumWait else { throw DomainError.overloaded(retryAfterSeconds: 1) }
            return try body()
        }
    }

    static func randomSalt() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    static func encode(_ password: String, salt: [UInt8], parameters: Argon2Parameters) throws -> String {
        let password = Array(password.utf8)
        let length = argon2_encodedlen(parameters.iterations, parameters.memoryKiB, parameters.parallelism, UInt32(salt.count), 32, Argon2_id)
        var encoded = [CChar](repeating: 0, count: length)
        let code = argon2_hash(
            parameters.iterations, parameters.memoryKiB, parameters.parallelism,
            password, password.count, salt, salt.count,
            nil, 32, &encoded, length, Argon2_id, UInt32(ARGON2_VERSION_13.rawValue)
        )
        guard code == ARGON2_OK.rawValue else { throw Argon2Error(code: code) }
        return String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// libargon2 recomputes the hash and compares in constant time.
    static func verifies(_ password: String, _ hash: String) -> Bool {
        let password = Array(password.utf8)
        return argon2id_verify(hash, password, password.count) == ARGON2_OK.rawValue
    }

    /// The parameters of an Argon2id (v=19) hash: `$argon2id$v=19$m=19456,t=2,p=1$salt$hash`; nil otherwise.
    static func parameters(of hash: String) -> Argon2Parameters? {
        let parts = hash.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[1] == "argon2id", parts[2] == "v=19" else { return nil }
        var values: [Substring: UInt32] = [:]
        for pair in parts[3].split(separator: ",") {
            let keyValue = pair.split(separator: "=", maxSplits: 1)
            guard keyValue.count == 2, let value = UInt32(keyValue[1]) else { return nil }
            values[keyValue[0]] = value
        }
        guard let memory = values["m"], let iterations = values["t"], let parallelism = values["p"] else { return nil }
        return Argon2Parameters(memoryKiB: memory, iterations: iterations, parallelism: parallelism)
    }
}

/// libargon2 refused to hash (bad parameters, out of memory).
public struct Argon2Error: Error, CustomStringConvertible {
    public let code: Int32

    public var description: String {
        "argon2: " + String(cString: argon2_error_message(code))
    }
}
