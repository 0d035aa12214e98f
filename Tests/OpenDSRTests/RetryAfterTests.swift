import DSRCore
import Foundation
import OpenDSR
import Testing

/// `Retry-After` as any upstream may send it: only whole seconds and HTTP dates count, clamped to an hour.
@Suite struct RetryAfterTests {
    static let now = Date(timeIntervalSince1970: 1_445_412_400)  // Wed, 21 Oct 2015 07:26:40 GMT

    @Test(arguments: [
        ("120", RetryAfter.seconds(120)),
        (" 7 ", .seconds(7)),
        ("0", .seconds(0)),
        ("86400", .seconds(3600)),
        ("99999999999999999999", .unusable),
        ("Wed, 21 Oct 2015 07:28:00 GMT", .seconds(80)),
        ("Wed, 21 Oct 2015 07:00:00 GMT", .seconds(0)),
        ("Fri, 01 Jan 2100 00:00:00 GMT", .seconds(3600)),
        ("inf", .unusable),
        ("nan", .unusable),
        ("1e30", .unusable),
        ("-5", .unusable),
        ("1.5", .unusable),
        ("soon", .unusable),
        ("", .unusable),
        ("٣", .unusable),
        ("Wednesday, 21-Oct-15 07:28:00 GMT", .unusable),
    ])
    func readsOnlyWholeSecondsAndHTTPDates(header: String, expected: RetryAfter) {
        #expect(RetryAfter(header, now: Self.now) == expected)
    }

    @Test func aMissingHeaderIsAbsent() {
        #expect(RetryAfter(nil, now: Self.now) == .absent)
        #expect(RetryAfter(nil, now: Self.now).wait == nil)
    }

    @Test(arguments: [Double.infinity, -.infinity, .nan, 1e30, -1e30, -3])
    func displayingAnyIntervalNeverTraps(value: Double) {
        #expect((0...1_000_000_000_000).contains(value.wholeSecondsForDisplay))
    }
}
