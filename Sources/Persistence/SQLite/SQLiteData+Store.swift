import Foundation
import EmbeddedSQLite

extension SQLiteData {
    /// An instant as stored: REAL seconds since 2001-01-01T00:00:00Z, the very `Double` inside a `Date`, so every
    /// `Date` reads back equal. Milliseconds would round; seconds since 1970 lose the lowest bit of many dates.
    static func date(_ date: Date) -> SQLiteData {
        .float(date.timeIntervalSinceReferenceDate)
    }

    static func date(_ date: Date?) -> SQLiteData {
        date.map { .date($0) } ?? .null
    }

    static func text(_ text: String?) -> SQLiteData {
        text.map { .text($0) } ?? .null
    }

    /// A request id as stored: the lowercase OpenDSR spelling.
    static func id(_ id: UUID) -> SQLiteData {
        .text(id.uuidString.lowercased())
    }

    static func value<Value: RawRepresentable<String>>(_ value: Value?) -> SQLiteData {
        .text(value?.rawValue)
    }
}
