import Foundation

/// A `Retry-After` header from an upstream (mParticle, the Events API, PagerDuty, Slack), read defensively:
/// whole seconds (`120`) or an HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`), clamped to `0...maximum`. Anything else
/// (`inf`, `nan`, `1e30`, `-5`, `1.5`, text) is `.unusable`: the caller ignores it, logs that it did, and waits as if
/// the header were missing. No value from outside reaches a conversion that could trap.
package enum RetryAfter: Equatable, Sendable {
    /// No header.
    case absent
    /// A usable wait in seconds, already clamped.
    case seconds(TimeInterval)
    /// A header that is neither whole seconds nor an HTTP date.
    case unusable

    /// The longest wait any upstream may impose through one header: one hour. A longer pause is re-asked for by the
    /// next 429, so a broken or hostile header cannot hold calls for ever.
    package static let maximum: TimeInterval = 3600

    /// Reads `value` at `now`, clamping to `0...maximum`.
    package init(_ value: String?, now: Date, maximum: TimeInterval = RetryAfter.maximum) {
        guard let raw = value?.trimmingCharacters(in: .whitespaces) else {
            self = .absent
            return
        }
        if !raw.isEmpty, raw.count <= 10, raw.allSatisfy({ $0.isASCII && $0.isNumber }), let whole = Int(raw) {
            self = .seconds(min(TimeInterval(whole), maximum))
        } else if let date = Self.httpDate(raw) {
            self = .seconds(min(max(0, date.timeIntervalSince(now)), maximum))
        } else {
            self = .unusable
        }
    }

    /// The wait in seconds, or nil when the header was absent or unusable.
    package var wait: TimeInterval? {
        if case .seconds(let seconds) = self { return seconds }
        return nil
    }

    /// RFC 9110's preferred IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT` (the obsolete forms are not sent by the
    /// APIs we call).
    private static func httpDate(_ text: String) -> Date? {
        guard text.count == 29, text.hasSuffix(" GMT") else { return nil }
        return try? Date(text, strategy: imfFixdate)
    }

    private static let imfFixdate = Date.ParseStrategy(
        format:
            "\(weekday: .abbreviated), \(day: .twoDigits) \(month: .abbreviated) \(year: .padded(4)) \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits):\(second: .twoDigits) GMT",
        locale: Locale(identifier: "en_US_POSIX"), timeZone: TimeZone(identifier: "GMT")!)
}
