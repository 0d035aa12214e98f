import Foundation
import EmbeddedSQLite

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

    func optionalBytes(_ column: String) throws -> [UInt8]? {
        switch row.column(column) {
        case .blob(let bytes): bytes
        case .null: nil
        default: throw StoreError(code: .corruptRow, column: column)
        }
    }

    /// The inverse of `SQLiteData.date(_:)` for instants. SQLite may keep a REAL without a fraction as an integer,
    /// and some query plans (a covering index, in the system's SQLite 3.40) hand it back as one: the same number.
    func optionalDouble(_ column: String) throws -> Double? {
        switch row.column(column) {
        case .float(let value): value
        case .integer(let value): Double(value)
        case .null: nil
        default: throw StoreError(code: .corruptRow, column: column)
        }
    }
}
