import Foundation

/// Computes the regulatory deadline of a request and its one extension: GDPR one calendar month, extendable by two
/// more; CCPA 45 days, extendable by 45 more (all configurable). A deadline ends with the last second of its day in
/// ``timeZone`` (23:59:59 there), so it never falls mid-day on whoever checks it; a period that lands past the end of a
/// shorter month ends on that month's last day (31 January plus one month is 28 or 29 February).
package struct DeadlinePolicy: Sendable, Equatable {
    /// Calendar months allowed under GDPR (Art. 12(3): one month).
    package var gdprMonths: Int
    /// Days allowed under CCPA (§1798.130: 45 days).
    package var ccpaDays: Int
    /// Further months one GDPR extension adds (Art. 12(3): up to two).
    package var gdprExtensionMonths: Int
    /// Further days one CCPA extension adds (§1798.130(a)(2): up to 45).
    package var ccpaExtensionDays: Int
    /// The zone whose calendar days deadlines end with.
    package var timeZone: TimeZone

    package init(
        gdprMonths: Int = 1, ccpaDays: Int = 45, gdprExtensionMonths: Int = 2, ccpaExtensionDays: Int = 45,
        timeZone: TimeZone = .gmt
    ) {
        self.gdprMonths = gdprMonths
        self.ccpaDays = ccpaDays
        self.gdprExtensionMonths = gdprExtensionMonths
        self.ccpaExtensionDays = ccpaExtensionDays
        self.timeZone = timeZone
    }

    /// The deadline of a request the controller received at `receivedAt`.
    package func deadline(for regulation: Regulation, receivedAt: Date) -> Date {
        switch regulation {
        case .gdpr: endOfDay(adding: DateComponents(month: gdprMonths), to: receivedAt)
        case .ccpa: endOfDay(adding: DateComponents(day: ccpaDays), to: receivedAt)
        }
    }

    /// The deadline after the one extension the regulation allows: the first period and the extension together,
    /// counted from receipt (31 January: 28 February, extended to 30 April).
    package func extended(for regulation: Regulation, receivedAt: Date) -> Date {
        switch regulation {
        case .gdpr: endOfDay(adding: DateComponents(month: gdprMonths + gdprExtensionMonths), to: receivedAt)
        case .ccpa: endOfDay(adding: DateComponents(day: ccpaDays + ccpaExtensionDays), to: receivedAt)
        }
    }

    /// The last second of the day, in ``timeZone``, that is `period` after `start`'s day.
    private func endOfDay(adding period: DateComponents, to start: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let startDay = calendar.startOfDay(for: start)
        // Noon keeps day arithmetic clear of daylight-saving gaps at midnight.
        let noon = calendar.date(byAdding: .hour, value: 12, to: startDay)!
        let lastDay = calendar.date(byAdding: period, to: noon)!
        let nextDay = calendar.date(byAdding: .day, value: 1, to: calendar.startOfDay(for: lastDay))!
        return calendar.startOfDay(for: nextDay).addingTimeInterval(-1)
    }
}
