/// Makes the opaque secrets sent to users (refresh tokens, email verification and password reset tokens) and the
/// digests stored in their place: a stolen database yields no usable token.
public protocol SecretTokenGenerator: Sendable {
    /// Returns a new 256-bit random token, URL-safe.
    func makeToken() -> String
    /// Returns the digest (SHA-256, hex) under which `token` is stored and looked up.
    func digest(of token: String) -> String
}
