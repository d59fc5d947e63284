import Foundation

/// A rough test that a signing secret was generated rather than typed: length alone lets
/// `aaaa...` or `abcdabcd...` through. Random output of `openssl rand -base64 48` or `-hex 48` always passes.
enum SecretStrength {
    /// What makes `secret` guessable, or nil when it looks random enough.
    static func weakness(of secret: String) -> String? {
        let bytes = Array(secret.utf8)
        var counts: [UInt8: Int] = [:]
        for byte in bytes { counts[byte, default: 0] += 1 }
        if counts.count < 10 { return "uses only \(counts.count) different characters" }
        // Repeated stretches: a random secret has almost no repeated run of four characters.
        let windows = max(bytes.count - 3, 1)
        let distinctRuns = Set((0..<max(bytes.count - 3, 0)).map { bytes[$0..<($0 + 4)] }).count
        if Double(distinctRuns) < 0.75 * Double(windows) { return "repeats a pattern" }
        // Shannon entropy of its character frequencies, times its length: a ceiling on what it can hold.
        let total = Double(bytes.count)
        let bitsPerCharacter = counts.values.reduce(0.0) { sum, count in
            let p = Double(count) / total
            return sum - p * log2(p)
        }
        if bitsPerCharacter * total < 192 { return "holds too little randomness" }
        return nil
    }
}
