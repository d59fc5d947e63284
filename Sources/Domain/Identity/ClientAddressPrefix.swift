/// The part of a client address that the sign-in throttle and the rate limits count by. An IPv6 subscriber usually holds a whole /64 and
/// can pick any address in it, so IPv6 addresses count by their /64 prefix; an IPv4 address (an IPv4-mapped IPv6 one
/// included) counts by itself. Anything that does not parse counts as written.
public enum ClientAddressPrefix {
    public static func of(_ address: String) -> String {
        guard address.contains(":"), let groups = hextets(address) else { return address }
        if groups[0..<5].allSatisfy({ $0 == 0 }), groups[5] == 0xFFFF {
            return [groups[6] >> 8, groups[6] & 0xFF, groups[7] >> 8, groups[7] & 0xFF].map(String.init).joined(separator: ".")
        }
        return groups[0..<4].map { String($0, radix: 16) }.joined(separator: ":") + "::/64"
    }

    /// The eight 16-bit groups of an IPv6 address (with `::` and a trailing dotted IPv4 part expanded), or nil.
    private static func hextets(_ address: String) -> [UInt16]? {
        let halves = address.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func parse(_ half: String) -> [UInt16]? {
            guard !half.isEmpty else { return [] }
            var groups: [UInt16] = []
            let parts = half.split(separator: ":", omittingEmptySubsequences: false)
            for (index, part) in parts.enumerated() {
                if index == parts.count - 1, part.contains(".") {
                    let octets = part.split(separator: ".", omittingEmptySubsequences: false).compactMap { UInt8($0) }
                    guard octets.count == 4 else { return nil }
                    groups += [UInt16(octets[0]) << 8 | UInt16(octets[1]), UInt16(octets[2]) << 8 | UInt16(octets[3])]
                } else {
                    guard (1...4).contains(part.count), let group = UInt16(part, radix: 16) else { return nil }
                    groups.append(group)
                }
            }
            return groups
        }
        guard let head = parse(halves[0]), let tail = halves.count == 2 ? parse(halves[1]) : [] else { return nil }
        if halves.count == 1 { return head.count == 8 ? head : nil }
        guard head.count + tail.count < 8 else { return nil }
        return head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
    }
}
