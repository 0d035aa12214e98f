import DSRCore
import Foundation
import Testing

@Suite("DeadlinePolicy")
struct DeadlinePolicyTests {
    private func date(_ text: String) throws -> Date { try #require(Timestamp.parse(text)) }

    @Test(arguments: [
        ("2025-08-26T10:00:00Z", "2025-09-26T10:00:00Z"),
        // A calendar month, clamped to the end of a shorter month (leap and non-leap February).
        ("2025-01-31T12:00:00Z", "2025-02-28T12:00:00Z"),
        ("2024-01-31T12:00:00Z", "2024-02-29T12:00:00Z"),
        ("2025-12-15T23:30:00Z", "2026-01-15T23:30:00Z"),
    ])
    func gdprAllowsOneCalendarMonthInUTC(received: String, deadline: String) throws {
        let policy = DeadlinePolicy()
        #expect(policy.deadline(for: .gdpr, receivedAt: try date(received)) == (try date(deadline)))
    }

    @Test(arguments: [
        ("2025-08-26T10:00:00Z", "2025-10-10T10:00:00Z"),
        ("2024-02-01T00:00:00Z", "2024-03-17T00:00:00Z"),
    ])
    func ccpaAllowsFortyFiveDays(received: String, deadline: String) throws {
        let policy = DeadlinePolicy()
        #expect(policy.deadline(for: .ccpa, receivedAt: try date(received)) == (try date(deadline)))
    }

    @Test func bothLimitsAreConfigurable() throws {
        let policy = DeadlinePolicy(gdprMonths: 3, ccpaDays: 90)
        let received = try date("2025-08-26T10:00:00Z")
        #expect(policy.deadline(for: .gdpr, receivedAt: received) == (try date("2025-11-26T10:00:00Z")))
        #expect(policy.deadline(for: .ccpa, receivedAt: received) == (try date("2025-11-24T10:00:00Z")))
    }
}
