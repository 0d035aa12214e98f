import Foundation

/// RFC 3339 timestamps as OpenDSR writes and reads them (fractional seconds optional, any precision).
package enum Timestamp {
    /// Formats with millisecond precision in UTC, e.g. `2025-08-26T10:00:00.000Z`.
    package static func format(_ date: Date) -> String {
        // The formatter truncates to milliseconds and parsing "….007Z" yields a Date a hair below .007:
        // adding half a millisecond rounds to the nearest instead, so parse then format gives the same text.
        date.addingTimeInterval(0.0005).formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
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
