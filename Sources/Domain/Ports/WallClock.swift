import Foundation

/// The Clock port: tells the current time, so use cases never read the system clock themselves.
public protocol WallClock: Sendable {
    /// Returns the current instant.
    func now() -> Date
}

extension Date {
    /// Milliseconds since 1970, the precision Portside stores and shows.
    public var millisecondsSince1970: Int64 {
        Int64((timeIntervalSince1970 * 1000).rounded())
    }

    /// The instant `milliseconds` after 1970.
    public init(millisecondsSince1970 milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// This instant at whole-millisecond precision (rounded), so every adapter returns exactly what was stored.
    public var truncatedToMilliseconds: Date {
        Date(millisecondsSince1970: millisecondsSince1970)
    }
}
