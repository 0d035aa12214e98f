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

    /// A BLOB as stored (through `Data`, whose conversions SQLiteNIO declares).
    func optionalBytes(_ column: String) throws -> [UInt8]? {
        guard let value = row.column(column) else { throw StoreError(code: .corruptRow, column: column) }
        if case .null = value { return nil }
        guard let data = Data(sqliteData: value) else { throw StoreError(code: .corruptRow, column: column) }
        return [UInt8](data)
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
