import Foundation

/// Computes the regulatory deadline of a request: GDPR one calendar month, CCPA 45 days (both configurable).
package struct DeadlinePolicy: Sendable, Equatable {
    /// Calendar months allowed under GDPR (Art. 12(3): one month).
    package var gdprMonths: Int
    /// Days allowed under CCPA (§1798.130: 45 days).
    package var ccpaDays: Int

    package init(gdprMonths: Int = 1, ccpaDays: Int = 45) {
        self.gdprMonths = gdprMonths
        self.ccpaDays = ccpaDays
    }

    package func deadline(for regulation: Regulation, receivedAt: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components: DateComponents
        switch regulation {
        case .gdpr: components = DateComponents(month: gdprMonths)
        case .ccpa: components = DateComponents(day: ccpaDays)
        }
        return calendar.date(byAdding: components, to: receivedAt)!
    }
}
