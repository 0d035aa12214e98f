import Foundation

/// RFC 3339 timestamps as OpenDSR writes and reads them (fractional seconds optional, any precision).
package enum Timestamp {
    /// Formats with millisecond precision in UTC, e.g. `2025-08-26T10:00:00.000Z`, rounded to the nearest
    /// millisecond (parsing "….007Z" yields a `Date` a hair below .007, so parse then format gives the same text).
    ///
    /// Written out by hand: every log line and every date in a response goes through here, and Foundation's format
    /// style cost several times more.
    package static func format(_ date: Date) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        append(date, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// ``format(_:)``'s text as UTF-8, appended to `bytes` without building a string (a status body holds several).
    package static func append(_ date: Date, to bytes: inout [UInt8]) {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000 + 0.5).rounded(.down))
        let (days, millisecondOfDay) = milliseconds.quotientAndRemainder(dividingBy: 86_400_000)
        let (day, millisecond) =
            millisecondOfDay < 0 ? (days - 1, millisecondOfDay + 86_400_000) : (days, millisecondOfDay)
        let (year, month, dayOfMonth) = civil(daysSince1970: day)
        let second = millisecond / 1000
        /// `value` in `count` digits, zero-padded; one that does not fit (a year past 9999) is written whole.
        func digits(_ value: Int64, _ count: Int, then separator: Character) {
            var divisor: Int64 = 1
            for _ in 1..<count { divisor *= 10 }
            if value >= 0, value < divisor * 10 {
                var rest = value
                while divisor > 0 {
                    bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor))
                    rest %= divisor
                    divisor /= 10
                }
            } else {
                let text = String(value)
                bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: max(0, count - text.utf8.count)))
                bytes.append(contentsOf: text.utf8)
            }
            bytes.append(contentsOf: separator.utf8)
        }
        digits(year, 4, then: "-")
        digits(month, 2, then: "-")
        digits(dayOfMonth, 2, then: "T")
        digits(second / 3600, 2, then: ":")
        digits(second / 60 % 60, 2, then: ":")
        digits(second % 60, 2, then: ".")
        digits(millisecond % 1000, 3, then: "Z")
    }

    /// The proleptic Gregorian date of a day counted from 1970-01-01 (Howard Hinnant's `civil_from_days`).
    private static func civil(daysSince1970: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = daysSince1970 + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Parses `2021-11-29T18:16:24.5568051Z`, `2021-12-09T00:00:00Z` or with an offset.
    package static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        if let date = try? Date(text, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true)) {
            return date
        }
        // More than three fractional digits: drop the extra precision and retry.
        guard let dot = text.firstIndex(of: "."),
            let end = text[dot...].firstIndex(where: { !$0.isNumber && $0 != "." })
        else { return nil }
        let digits = text[text.index(after: dot)..<end]
        let trimmed =
            text[..<dot] + "." + digits.prefix(3).padding(toLength: 3, withPad: "0", startingAt: 0)
            + text[end...]
        return try? Date(
            String(trimmed), strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true))
    }
}
