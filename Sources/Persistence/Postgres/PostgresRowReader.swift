import Foundation
import PostgresNIO

/// A ``StoreRowReader`` over one PostgreSQL row.
struct PostgresRowReader: StoreRowReader {
    let row: PostgresRandomAccessRow

    init(row: PostgresRow) {
        self.row = row.makeRandomAccess()
    }

    private func decode<T: PostgresDecodable>(_ column: String, as type: T.Type) throws -> T {
        guard row.contains(column) else { throw StoreError(code: .corruptRow, column: column) }
        do { return try row[column].decode(T.self) } catch { throw StoreError(code: .corruptRow, column: column) }
    }

    func optionalText(_ column: String) throws -> String? { try decode(column, as: String?.self) }

    func optionalInteger(_ column: String) throws -> Int? { try decode(column, as: Int64?.self).map(Int.init) }

    func optionalDouble(_ column: String) throws -> Double? { try decode(column, as: Double?.self) }

    func optionalBytes(_ column: String) throws -> [UInt8]? { try decode(column, as: Data?.self).map { [UInt8]($0) } }
}

extension PostgresBindings {
    /// An instant as stored: the `Double` inside the `Date`.
    mutating func append(date: Date?) {
        append(date?.timeIntervalSinceReferenceDate)
    }

    /// A request id as stored: the lowercase OpenDSR spelling.
    mutating func append(id: UUID) {
        append(id.uuidString.lowercased())
    }

    mutating func append<Value: RawRepresentable<String>>(value: Value?) {
        append(value?.rawValue)
    }

    mutating func append(integer: Int) {
        append(Int64(integer))
    }
}
