import Crypto
import Domain
import Foundation

/// 256-bit tokens from the system's secure random source, base64url without padding (43 characters), and their
/// SHA-256 digests.
public struct SecureTokenGenerator: SecretTokenGenerator {
    public init() {}

    public func makeToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public func digest(of token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
