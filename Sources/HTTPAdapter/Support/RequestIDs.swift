import Synchronization

/// Request ids: random UUIDs (version 4 in form) from a generator seeded once per process from the system's source,
/// so an id costs neither a system call nor Foundation. They tie log lines to a request and are never secrets: what
/// they need is to be distinct, which 122 random bits are in practice, not to be unpredictable.
final class RequestIDs: Sendable {
    static let shared = RequestIDs()

    /// xoshiro256**: fast, with a period far beyond any process's requests.
    private struct Xoshiro256 {
        var s: (UInt64, UInt64, UInt64, UInt64)

        init() {
            var system = SystemRandomNumberGenerator()
            repeat {
                s = (system.next(), system.next(), system.next(), system.next())
            } while s == (0, 0, 0, 0)
        }

        mutating func next() -> UInt64 {
            let result = Self.rotate(s.1 &* 5, 7) &* 9
            let t = s.1 << 17
            s.2 ^= s.0
            s.3 ^= s.1
            s.1 ^= s.2
            s.0 ^= s.3
            s.2 ^= t
            s.3 = Self.rotate(s.3, 45)
            return result
        }

        private static func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
    }

    private let generator = Mutex(Xoshiro256())

    /// A new id in the canonical lowercase UUID form, `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`.
    func next() -> String {
        let (high, low) = generator.withLock { ($0.next(), $0.next()) }
        // Version 4 in the third group, the RFC 9562 variant (10) in the fourth.
        return Self.format(high: (high & ~0xF000) | 0x4000, low: (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000)
    }

    /// The 128 bits `high` then `low` as a lowercase UUID string.
    static func format(high: UInt64, low: UInt64) -> String {
        String(unsafeUninitializedCapacity: 36) { buffer in
            let digits: StaticString = "0123456789abcdef"
            var index = 0
            func put(_ value: UInt64, nibbles: Int) {
                for shift in stride(from: (nibbles - 1) * 4, through: 0, by: -4) {
                    buffer[index] = digits.utf8Start[Int((value >> UInt64(shift)) & 0xF)]
                    index += 1
                }
            }
            func dash() {
                buffer[index] = UInt8(ascii: "-")
                index += 1
            }
            put(high >> 32, nibbles: 8)
            dash()
            put(high >> 16, nibbles: 4)
            dash()
            put(high, nibbles: 4)
            dash()
            put(low >> 48, nibbles: 4)
            dash()
            put(low, nibbles: 12)
            return index
        }
    }
}
