import CArgon2
import Domain
import Foundation
import NIOCore
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
/// with `DomainError.overloaded` (the HTTP adapter answers 503 with Retry-After). Each hash's working memory comes from
/// `Argon2Memory`: reused through a burst of sign-ins, returned to the system after its last hash.
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
                defer { Argon2Memory.shared.releaseIdle() }
                return try encode(SecureTokenGenerator().makeToken(), salt: randomSalt(), parameters: parameters)
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
        return try await pool.runIfActive { [self] in
            guard ContinuousClock.now - enqueued <= maximumWait else { throw DomainError.overloaded(retryAfterSeconds: 1) }
            defer {
                // Once no other hash is queued, the working memory goes back to the system after a short quiet spell;
                // a hash that starts within it reuses the blocks instead (a login flood keeps them all along).
                if self.queued.load(ordering: .relaxed) <= 1 { self.releaseMemoryWhenQuiet() }
            }
            return try body()
        }
    }

    /// How long the working memory is kept after the last hash.
    static let memoryKeptFor = Duration.seconds(2)

    /// Unmaps the idle working memory on a hashing thread once no hash has started for `memoryKeptFor`.
    private func releaseMemoryWhenQuiet() {
        let pool = pool
        let (seconds, attoseconds) = Self.memoryKeptFor.components
        let delay = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: delay) {
            pool.submit { state in
                guard state == .active else { return }
                Argon2Memory.shared.releaseIdle(unusedFor: Self.memoryKeptFor)
            }
        }
    }

    static func randomSalt() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// The encoded Argon2id hash of `password`: `$argon2id$v=19$m=19456,t=2,p=1$salt$hash`, as libargon2 encodes it.
    static func encode(_ password: String, salt: [UInt8], parameters: Argon2Parameters) throws -> String {
        var output = [UInt8](repeating: 0, count: 32)
        let code = run(Array(password.utf8), salt: salt, parameters: parameters, into: &output) { context in argon2id_ctx(context) }
        guard code == ARGON2_OK.rawValue else { throw Argon2Error(code: code) }
        return "$argon2id$v=19$m=\(parameters.memoryKiB),t=\(parameters.iterations),p=\(parameters.parallelism)$"
            + Self.base64(salt) + "$" + Self.base64(output)
    }

    /// Recomputes the hash with the stored salt and parameters; libargon2 compares the results in constant time.
    static func verifies(_ password: String, _ hash: String) -> Bool {
        guard let decoded = Decoded(hash) else { return false }
        var output = [UInt8](repeating: 0, count: decoded.hash.count)
        let code = run(Array(password.utf8), salt: decoded.salt, parameters: decoded.parameters, into: &output) { context in
            decoded.hash.withUnsafeBufferPointer { expected in
                expected.withMemoryRebound(to: CChar.self) { argon2_verify_ctx(context, $0.baseAddress, Argon2_id) }
            }
        }
        return code == ARGON2_OK.rawValue
    }

    /// Runs `operation` on a context for `password`, `salt` and `parameters` with `output` as its output, whose working
    /// memory comes from `Argon2Memory`.
    private static func run(
        _ password: [UInt8], salt: [UInt8], parameters: Argon2Parameters, into output: inout [UInt8],
        _ operation: (UnsafeMutablePointer<argon2_context>) -> Int32
    ) -> Int32 {
        var password = password
        var salt = salt
        return output.withUnsafeMutableBufferPointer { output in
            password.withUnsafeMutableBufferPointer { password in
                salt.withUnsafeMutableBufferPointer { salt in
                    var context = argon2_context(
                        out: output.baseAddress, outlen: UInt32(output.count),
                        pwd: password.baseAddress, pwdlen: UInt32(password.count),
                        salt: salt.baseAddress, saltlen: UInt32(salt.count),
                        secret: nil, secretlen: 0, ad: nil, adlen: 0,
                        t_cost: parameters.iterations, m_cost: parameters.memoryKiB,
                        lanes: parameters.parallelism, threads: parameters.parallelism,
                        version: UInt32(ARGON2_VERSION_13.rawValue),
                        allocate_cbk: argon2Allocate, free_cbk: argon2Free, flags: 0
                    )
                    return operation(&context)
                }
            }
        }
    }

    /// Standard base64 without padding, as in the encoded hash.
    static func base64(_ bytes: [UInt8]) -> String {
        var text = Data(bytes).base64EncodedString()
        while text.last == "=" { text.removeLast() }
        return text
    }

    /// The bytes of unpadded standard base64; nil for anything else.
    static func bytes(base64 text: Substring) -> [UInt8]? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 != UInt8(ascii: "=") }) else { return nil }
        let padded = String(text) + String(repeating: "=", count: (4 - text.utf8.count % 4) % 4)
        return Data(base64Encoded: padded).map(Array.init)
    }

    /// An encoded Argon2id (v=19) hash taken apart.
    struct Decoded {
        let parameters: Argon2Parameters
        let salt: [UInt8]
        let hash: [UInt8]

        init?(_ encoded: String) {
            let parts = encoded.split(separator: "$", omittingEmptySubsequences: false)
            guard parts.count == 6, let parameters = Argon2PasswordHasher.parameters(of: encoded),
                let salt = Argon2PasswordHasher.bytes(base64: parts[4]), let hash = Argon2PasswordHasher.bytes(base64: parts[5]),
                salt.count >= 8, hash.count >= 4  // libargon2's ARGON2_MIN_SALT_LENGTH and ARGON2_MIN_OUTLEN
            else { return nil }
            self.parameters = parameters
            self.salt = salt
            self.hash = hash
        }
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
