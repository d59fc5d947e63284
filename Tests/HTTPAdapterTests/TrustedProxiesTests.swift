import HTTPAdapter
import Testing

@Suite struct TrustedProxiesTests {
    let proxies = TrustedProxies(["10.0.0.0/8", "::1"].compactMap(IPRange.init))

    @Test func anUntrustedPeerIsTheClientWhateverItClaims() {
        #expect(proxies.clientAddress(peer: "203.0.113.9", forwardedFor: "1.2.3.4") == "203.0.113.9")
    }

    @Test func aTrustedPeerVouchesForTheHopBeforeIt() {
        #expect(proxies.clientAddress(peer: "10.1.2.3", forwardedFor: "198.51.100.7") == "198.51.100.7")
        #expect(proxies.clientAddress(peer: "::1", forwardedFor: "198.51.100.7") == "198.51.100.7")
    }

    @Test func theWalkStopsAtTheFirstUntrustedHop() {
        // The client forged "6.6.6.6"; the first proxy (10.0.0.5) saw 198.51.100.7 connect.
        let address = proxies.clientAddress(peer: "10.9.9.9", forwardedFor: "6.6.6.6, 198.51.100.7, 10.0.0.5")
        #expect(address == "198.51.100.7")
    }

    @Test func portsAppendedByProxiesAreIgnored() {
        #expect(proxies.clientAddress(peer: "10.1.2.3", forwardedFor: "198.51.100.7:5123") == "198.51.100.7")
        #expect(proxies.clientAddress(peer: "10.1.2.3", forwardedFor: "[2001:db8::1]:443") == "2001:db8::1")
        #expect(proxies.clientAddress(peer: "10.1.2.3", forwardedFor: "2001:db8::2") == "2001:db8::2")
    }

    @Test func garbageInTheHeaderIsNotBelieved() {
        #expect(proxies.clientAddress(peer: "10.1.1.1", forwardedFor: "not-an-ip") == "10.1.1.1")
    }

    @Test func withoutTrustedProxiesTheHeaderIsIgnored() {
        #expect(TrustedProxies([]).clientAddress(peer: "10.1.1.1", forwardedFor: "198.51.100.7") == "10.1.1.1")
    }

    @Test(arguments: ["10.0.0.0/8", "192.168.1.7", "::1", "fd00::/8", "::ffff:10.0.0.1"])
    func validRangesParse(text: String) {
        #expect(IPRange(text) != nil)
    }

    @Test(arguments: ["10.0.0.0/33", "300.1.1.1", "abc", "::1/129", "10.0.0.0/x", ""])
    func invalidRangesDoNot(text: String) {
        #expect(IPRange(text) == nil)
    }
}
