import Foundation
import SQLiteNIO

extension SQLiteData {
    /// An instant as stored: integer milliseconds since 1970, rounded to the nearest millisecond.
    static func date(_ date: Date) -> SQLiteData {
        .integer(Int((date.timeIntervalSince1970 * 1000).rounded()))
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
