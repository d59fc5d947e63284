#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IPv4 or IPv6 address block such as `10.0.0.0/8`, `::1` or `192.168.1.7` (a single address).
public struct IPRange: Sendable, Equatable {
    let network: [UInt8]
    let prefixLength: Int

    /// Parses `ADDRESS` or `ADDRESS/PREFIX`; nil when either part is invalid.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = Self.parse(String(parts[0])) else { return nil }
        let bits = address.count * 8
        var prefix = bits
        if parts.count == 2 {
            guard let value = Int(parts[1]), (0...bits).contains(value) else { return nil }
            prefix = value
        }
        network = address
        prefixLength = prefix
    }

    /// Whether `address` (already parsed) lies inside the block.
    func contains(_ address: [UInt8]) -> Bool {
        guard address.count == network.count else { return false }
        var remaining = prefixLength
        for index in network.indices where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if address[index] & mask != network[index] & mask { return false }
            remaining -= bits
        }
        return true
    }

    /// The bytes of an IPv4 (4) or IPv6 (16) address; IPv4-mapped IPv6 addresses become IPv4.
    static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return Array(bytes[12...])
        }
        return bytes
    }
}

/// The proxies whose `X-Forwarded-For` Portside believes (`TRUSTED_PROXIES`).
public struct TrustedProxies: Sendable {
    let ranges: [IPRange]

    public init(_ ranges: [IPRange]) {
        self.ranges = ranges
    }

    func trusts(_ address: String) -> Bool {
        guard !ranges.isEmpty, let bytes = IPRange.parse(address) else { return false }
        return ranges.contains { $0.contains(bytes) }
    }

    /// The client address: starting at the TCP peer, walk `X-Forwarded-For` from the right for as long as the hop
    /// we stand on is a trusted proxy. A client cannot forge its way past an untrusted hop.
    public func clientAddress(peer: String?, forwardedFor: String?) -> String {
        guard var client = peer else { return "unknown" }
        guard let forwardedFor, trusts(client) else { return client }
        let hops = forwardedFor.split(separator: ",").map { Self.withoutPort($0.trimmingCharacters(in: " \t")) }
        for hop in hops.reversed() {
            guard trusts(client), IPRange.parse(hop) != nil else { break }
            client = hop
        }
        return client
    }

    /// Some proxies append the port: `203.0.113.7:5123`, `[2001:db8::1]:5123`.
    static func withoutPort(_ hop: String) -> String {
        if hop.hasPrefix("["), let close = hop.firstIndex(of: "]") {
            return String(hop[hop.index(after: hop.startIndex)..<close])
        }
        let colons = hop.filter { $0 == ":" }.count
        if colons == 1, let colon = hop.firstIndex(of: ":") { return String(hop[..<colon]) }
        return hop
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String { String(self).trimmingCharacters(in: set) }
}
