import Foundation
import PostgresNIO

/// Reads typed columns of one PostgreSQL row, turning a missing or mistyped value into a ``StoreError`` that names
/// the column and never the value.
struct PostgresRowReader {
    let row: PostgresRandomAccessRow

    init(row: PostgresRow) {
        self.row = row.makeRandomAccess()
    }

    private func decode<T: PostgresDecodable>(_ column: String, as type: T.Type) throws -> T {
        guard row.contains(column) else { throw StoreError(code: .corruptRow, column: column) }
        do { return try row[column].decode(T.self) } catch { throw StoreError(code: .corruptRow, column: column) }
    }

    func optionalText(_ column: String) throws -> String? { try decode(column, as: String?.self) }

    func text(_ column: String) throws -> String {
        guard let text = try optionalText(column) else { throw StoreError(code: .corruptRow, column: column) }
        return text
    }

    func integer(_ column: String) throws -> Int {
        guard let value = try decode(column, as: Int64?.self) else {
            throw StoreError(code: .corruptRow, column: column)
        }
        return Int(value)
    }

    func optionalDouble(_ column: String) throws -> Double? { try decode(column, as: Double?.self) }

    /// Instants are stored as the `Double` inside a `Date` (seconds since 2001), so they read back equal.
    func optionalDate(_ column: String) throws -> Date? {
        try optionalDouble(column).map { Date(timeIntervalSinceReferenceDate: $0) }
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
        guard let value: Value = try optionalValue(column) else { throw StoreError(code: .corruptRow, column: column) }
        return value
    }
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
