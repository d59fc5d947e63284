/// What a password check found.
public struct PasswordCheck: Sendable, Equatable {
    /// The password is the one the hash was made from.
    public let matches: Bool
    /// The hash was made with weaker parameters than configured now: store a new one after this login.
    public let needsRehash: Bool

    public init(matches: Bool, needsRehash: Bool) {
        self.matches = matches
        self.needsRehash = needsRehash
    }
}

/// Hashes and checks passwords (Argon2id in production). Hashing is deliberately slow and runs off the request
/// event loops; when too many are waiting, calls throw `DomainError.overloaded`.
public protocol PasswordHasher: Sendable {
    /// Returns a self-describing hash (algorithm, parameters, salt) of `password`.
    func hash(_ password: String) async throws -> String
    /// Checks `password` against a stored hash; a malformed hash simply does not match.
    func verify(_ password: String, against hash: String) async throws -> PasswordCheck
    /// Does the work of one verification against a fixed hash, so an unknown account costs what a known one does.
    func verifyDummy(_ password: String) async throws
}
