import DSRCore
import Foundation
import Testing

@Suite("Timestamp")
struct TimestampTests {
    @Test(arguments: [
        // mParticle writes seven fractional digits; we keep milliseconds.
        ("2021-11-29T18:16:24.5568051Z", 1_638_209_784.5568051),
        ("2021-12-09T00:00:00Z", 1_639_008_000),
        ("2025-08-26T10:00:00.000Z", 1_756_202_400),
        ("2025-08-26T10:00:00.123Z", 1_756_202_400.123),
        ("2025-08-26T12:00:00+02:00", 1_756_202_400),
        ("2025-08-26T10:00:00.5Z", 1_756_202_400.5),
    ])
    func parsesOpenDSRTimestamps(text: String, secondsSince1970: Double) throws {
        let date = try #require(Timestamp.parse(text))
        #expect(abs(date.timeIntervalSince1970 - secondsSince1970) < 0.001)
    }

    @Test(arguments: ["", "yesterday", "2025-08-26", "2025-13-26T10:00:00Z", "10:00:00Z"])
    func rejectsWhatIsNotATimestamp(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func formatsMillisecondsInUTC() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_756_202_400)) == "2025-08-26T10:00:00.000Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_756_202_400.25)) == "2025-08-26T10:00:00.250Z")
    }

    @Test func formatsAsFoundationDoesAcrossCenturiesAndLeapDays() {
        var generator = SystemRandomNumberGenerator()
        let fixed: [Int64] = [-2_208_988_800_000, 951_782_400_000, 951_868_799_999, 4_107_542_400_000, 0, -1]
        let random = (0..<5000).map { _ in Int64.random(in: -2_208_988_800_000...7_258_118_400_000, using: &generator) }
        for milliseconds in fixed + random {
            let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000 + 0.0001)
            let foundation = date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
            #expect(Timestamp.format(date) == foundation, "\(milliseconds)")
        }
    }

    @Test func formattingRoundsToTheNearestMillisecond() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_638_209_784.556)) == "2021-11-29T18:16:24.556Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_638_209_784.5568051)) == "2021-11-29T18:16:24.557Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_638_209_784.9996)) == "2021-11-29T18:16:25.000Z")
    }

    @Test(arguments: ["2025-08-26T10:00:00", "2021-11-29T18:16:24"])
    func everyMillisecondSurvivesParseThenFormat(second: String) throws {
        for millisecond in 0..<1000 {
            let text = second + "." + String(millisecond + 1000).dropFirst() + "Z"
            #expect(Timestamp.format(try #require(Timestamp.parse(text))) == text)
        }
    }
}
