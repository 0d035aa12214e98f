import Foundation

/// The one extension of a request's deadline the regulation allows (GDPR Art. 12(3), CCPA §1798.130(a)(2)), granted by
/// a person before the deadline passed; the subject must be told why within the first period.
package struct DeadlineExtension: Codable, Sendable, Equatable {
    /// Why, in the requester's words (kept with the request, not in the audit trail or the logs).
    package var reason: String
    package var at: Date
    /// The API key that extended it.
    package var principal: String?
    /// The deadline before the extension.
    package var previousDeadline: Date

    package init(reason: String, at: Date, principal: String?, previousDeadline: Date) {
        self.reason = reason
        self.at = at
        self.principal = principal
        self.previousDeadline = previousDeadline
    }
}
