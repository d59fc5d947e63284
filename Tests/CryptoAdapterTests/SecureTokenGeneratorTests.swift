import CryptoAdapters
import Foundation
import Testing

@Suite struct SecureTokenGeneratorTests {
    @Test func tokensAre256BitURLSafeAndUnique() {
        let generator = SecureTokenGenerator()
        let tokens = (0..<1000).map { _ in generator.makeToken() }
        #expect(Set(tokens).count == 1000)
        #expect(tokens.allSatisfy { $0.count == 43 })
        #expect(tokens.allSatisfy { $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" } })
    }

    @Test func digestsAreSHA256Hex() {
        let generator = SecureTokenGenerator()
        #expect(generator.digest(of: "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(generator.digest(of: "abc") != generator.digest(of: "abd"))
    }
}
