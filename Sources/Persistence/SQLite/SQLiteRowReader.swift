import Foundation
import SQLiteNIO

/// Typed, checked access to the columns of one result row; a bad value becomes a ``StoreError``.
struct SQLiteRowReader {
    let row: SQLiteRow

    func optionalText(_ column: String) throws -> String? {
        switch row.column(column) {
        case .text(let text): text
        case .null: nil
        default: throw StoreError(code: .corruptRow, column: column)
        }
    }

    func text(_ column: String) throws -> String {
        guard let text = try optionalText(column) else { throw StoreError(code: .corruptRow, column: column) }
        return text
    }

    func integer(_ column: String) throws -> Int {
        guard case .integer(let integer) = row.column(column) else {
            throw StoreError(code: .corruptRow, column: column)
        }
        return Int(integer)
    }

    /// The inverse of `SQLiteData.date(_:)`.
    func optionalDate(_ column: String) throws -> Date? {
        switch row.column(column) {
        case .float(let seconds): Date(timeIntervalSinceReferenceDate: seconds)
        case .null: nil
        default: throw StoreError(code: .corruptRow, column: column)
        }
    }

    func date(_ column: String) throws -> Date {
        guard let date = try optionalDate(column) else { throw StoreError(code: .corruptRow, column: column) }
        return date
    }

    func id(_ column: String) throws -> UUID {
        guard let id = UUID(uuidString: try text(column)) else { throw StoreError(code: .corruptRow, column: column) }
        return id
    }

    func optionalValue<Value: RawRepresentable<String>>(_ column: String) throws -> Value? {
        guard let raw = try optionalText(column) else { return nil }
        guard let value = Value(rawValue: raw) else { throw StoreError(code: .unknownValue, column: column) }
        return value
    }

    func value<Value: RawRepresentable<String>>(_ column: String) throws -> Value {
        guard let value: Value = try optionalValue(column) else {
            throw StoreError(code: .corruptRow, column: column)
        }
        return value
    }
}
