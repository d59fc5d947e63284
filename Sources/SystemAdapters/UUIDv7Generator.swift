import Domain
import Foundation

/// Makes UUIDv7 identifiers (RFC 9562): 48 bits of Unix milliseconds, then random bits, so ids sort by creation.
public struct UUIDv7Generator: IDGenerator {
    private let clock: any WallClock

    public init(clock: any WallClock = SystemClock()) {
        self.clock = clock
    }

    public func makeID() -> UUID {
        var generator = SystemRandomNumberGenerator()
        return Self.make(milliseconds: UInt64(clock.now().millisecondsSince1970), using: &generator)
    }

    /// Builds a UUIDv7 from a timestamp and a source of randomness.
    static func make(milliseconds: UInt64, using generator: inout some RandomNumberGenerator) -> UUID {
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 {
            bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - index)))
        }
        for index in 6..<16 {
            bytes[index] = UInt8.random(in: .min ... .max, using: &generator)
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x70  // version 7
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 9562 variant
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            )
        )
    }
}
