import Foundation
import SQLiteNIO

/// A ``StoreRowReader`` over one SQLite result row.
struct SQLiteRowReader: StoreRowReader {
    let row: SQLiteRow

    func optionalText(_ column: String) throws -> String? {
        switch row.column(column) {
        case .text(let text): text
        case .null: nil
        default: throw StoreError(code: .corruptRow, column: column)
        }
    }

    func optionalInteger(_ column: String) throws -> Int? {
        switch row.column(column) {
        case .integer(let integer): Int(integer)
        case .null: nil
        default: throw StoreError(code: .corruptRow, column: column)
        }
    }

    /// The inverse of `SQLiteData.date(_:)` for instants.
    func optionalDouble(_ column: String) throws -> Double? {
        switch row.column(column) {
        case .float(let value): value
        case .null: nil
        default: throw StoreError(code: .corruptRow, column: column)
        }
    }
}
