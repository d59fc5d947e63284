import Foundation
import Testing

@testable import HTTPAdapter

/// The request ids Portside makes, and the duration written on each request's log line, both without Foundation.
@Suite struct RequestIDsTests {
    @Test func idsAreLowercaseVersion4UUIDsAndDistinct() throws {
        let ids = (0..<10_000).map { _ in RequestIDs.shared.next() }

        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(100) {
            let uuid = try #require(UUID(uuidString: id), "\(id)")
            #expect(id == uuid.uuidString.lowercased())
            let bytes = uuid.uuid
            #expect(bytes.6 >> 4 == 4, "version 4: \(id)")
            #expect(bytes.8 >> 6 == 0b10, "RFC 9562 variant: \(id)")
        }
    }

    @Test func bitsAreWrittenInOrder() {
        #expect(
            RequestIDs.format(high: 0x0123_4567_89AB_CDEF, low: 0xFEDC_BA98_7654_3210) == "01234567-89ab-cdef-fedc-ba9876543210")
        #expect(RequestIDs.format(high: 0, low: 0) == "00000000-0000-0000-0000-000000000000")
    }

    @Test(arguments: [
        (Duration.zero, "0.00"), (.microseconds(4), "0.00"), (.microseconds(5), "0.01"), (.microseconds(1234), "1.23"),
        (.microseconds(1235), "1.24"), (.milliseconds(12), "12.00"), (.seconds(3) + .microseconds(99_996), "3100.00"),
        (.milliseconds(-5), "0.00"),
    ])
    func durationsAreWrittenInMillisecondsWithTwoDecimals(duration: Duration, text: String) {
        #expect(duration.millisecondsText == text)
        if duration >= .zero, duration != .microseconds(5), duration != .microseconds(1235) {
            // The same as the formatting it replaced, away from exact halves (which binary floating point rounds either way).
            #expect(String(format: "%.2f", duration.milliseconds) == text)
        }
    }
}
