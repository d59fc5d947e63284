import Foundation
import SystemAdapters
import TestSupport
import Testing

@Suite struct UUIDv7GeneratorTests {
    @Test func carriesVersionVariantAndTimestamp() {
        let clock = TestClock(Date(millisecondsSince1970: 0x0190_1234_5678))
        let id = UUIDv7Generator(clock: clock).makeID()
        let bytes = withUnsafeBytes(of: id.uuid) { Array($0) }

        #expect(bytes[6] >> 4 == 7)
        #expect(bytes[8] >> 6 == 0b10)
        #expect(Array(bytes[0..<6]) == [0x01, 0x90, 0x12, 0x34, 0x56, 0x78])
    }

    @Test func laterIdsSortAfterEarlierOnes() {
        let clock = TestClock()
        let generator = UUIDv7Generator(clock: clock)
        let first = generator.makeID()
        clock.advance(by: 0.002)
        let second = generator.makeID()
        #expect(first.uuidString < second.uuidString)
    }

    @Test func idsAreUnique() {
        let generator = UUIDv7Generator(clock: TestClock())
        let ids = Set((0..<1000).map { _ in generator.makeID() })
        #expect(ids.count == 1000)
    }
}
