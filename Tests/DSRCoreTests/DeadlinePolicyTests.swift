import DSRCore
import Foundation
import Testing

@Suite("DeadlinePolicy")
struct DeadlinePolicyTests {
    private func date(_ text: String) throws -> Date { try #require(Timestamp.parse(text)) }
    private func zone(_ identifier: String) throws -> TimeZone { try #require(TimeZone(identifier: identifier)) }

    @Test(arguments: [
        ("2025-08-26T10:00:00Z", "2025-09-26T23:59:59Z"),
        // A calendar month, clamped to the end of a shorter month (leap and non-leap February).
        ("2025-01-31T12:00:00Z", "2025-02-28T23:59:59Z"),
        ("2024-01-31T12:00:00Z", "2024-02-29T23:59:59Z"),
        ("2024-02-29T08:00:00Z", "2024-03-29T23:59:59Z"),
        ("2025-03-31T00:00:00Z", "2025-04-30T23:59:59Z"),
        ("2025-12-15T23:30:00Z", "2026-01-15T23:59:59Z"),
    ])
    func gdprAllowsOneCalendarMonthToTheEndOfTheDayInUTC(received: String, deadline: String) throws {
        let policy = DeadlinePolicy()
        #expect(policy.deadline(for: .gdpr, receivedAt: try date(received)) == (try date(deadline)))
    }

    @Test(arguments: [
        ("2025-08-26T10:00:00Z", "2025-10-10T23:59:59Z"),
        ("2024-02-01T00:00:00Z", "2024-03-17T23:59:59Z"),
    ])
    func ccpaAllowsFortyFiveDays(received: String, deadline: String) throws {
        let policy = DeadlinePolicy()
        #expect(policy.deadline(for: .ccpa, receivedAt: try date(received)) == (try date(deadline)))
    }

    @Test(arguments: [
        // 23:30 UTC on 31 January is already 1 February in Berlin: the month runs from there.
        ("gdpr", "2027-01-31T23:30:00Z", "2027-03-01T22:59:59Z"),
        // The deadline's day is in summer time (UTC+2), the receipt in winter time (UTC+1).
        ("gdpr", "2026-03-01T09:00:00Z", "2026-04-01T21:59:59Z"),
        // The deadline falls on the day the clocks go forward (29 March 2026, a 23-hour day).
        ("ccpa", "2026-02-12T09:00:00Z", "2026-03-29T21:59:59Z"),
        // …and on the day they go back (25 October 2026, a 25-hour day).
        ("gdpr", "2026-09-25T09:00:00Z", "2026-10-25T22:59:59Z"),
    ])
    func deadlinesEndWithTheDayInTheConfiguredZone(regulation: String, received: String, deadline: String) throws {
        let policy = DeadlinePolicy(timeZone: try zone("Europe/Berlin"))
        let computed = policy.deadline(
            for: try #require(Regulation(rawValue: regulation)), receivedAt: try date(received))
        #expect(Timestamp.format(computed) == Timestamp.format(try date(deadline)))
    }

    @Test func aZoneBehindUTCCountsFromItsOwnDay() throws {
        // 02:00 UTC on 1 March is still 28 February in New York (UTC-5): one month later is 28 March there.
        let policy = DeadlinePolicy(timeZone: try zone("America/New_York"))
        let computed = policy.deadline(for: .gdpr, receivedAt: try date("2027-03-01T02:00:00Z"))
        #expect(Timestamp.format(computed) == "2027-03-29T03:59:59.000Z")
    }

    @Test(arguments: [
        // Three months from receipt in all (not two from a deadline clamped to February); CCPA 90 days.
        ("gdpr", "2025-01-31T10:00:00Z", "2025-04-30T23:59:59Z"),
        ("gdpr", "2023-11-30T10:00:00Z", "2024-02-29T23:59:59Z"),
        ("ccpa", "2025-08-26T10:00:00Z", "2025-11-24T23:59:59Z"),
    ])
    func oneExtensionAddsWhatTheRegulationAllows(regulation: String, received: String, extended: String) throws {
        let policy = DeadlinePolicy()
        let computed = policy.extended(
            for: try #require(Regulation(rawValue: regulation)), receivedAt: try date(received))
        #expect(Timestamp.format(computed) == Timestamp.format(try date(extended)))
    }

    @Test func allLimitsAreConfigurable() throws {
        let policy = DeadlinePolicy(gdprMonths: 3, ccpaDays: 90, gdprExtensionMonths: 1, ccpaExtensionDays: 10)
        let received = try date("2025-08-26T10:00:00Z")
        let gdpr = policy.deadline(for: .gdpr, receivedAt: received)
        let ccpa = policy.deadline(for: .ccpa, receivedAt: received)
        #expect(gdpr == (try date("2025-11-26T23:59:59Z")))
        #expect(ccpa == (try date("2025-11-24T23:59:59Z")))
        #expect(policy.extended(for: .gdpr, receivedAt: received) == (try date("2025-12-26T23:59:59Z")))
        #expect(policy.extended(for: .ccpa, receivedAt: received) == (try date("2025-12-04T23:59:59Z")))
    }
}
