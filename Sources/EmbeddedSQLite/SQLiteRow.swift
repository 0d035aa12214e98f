/// One result row: its values, and the statement's column names (shared by every row of one statement).
public struct SQLiteRow: Sendable {
    let columns: SQLiteColumns
    let values: [SQLiteData]

    /// The value of the column named `name` (as the statement names it), or nil if there is no such column.
    public func column(_ name: String) -> SQLiteData? {
        columns.index[name].map { values[$0] }
    }
}

/// A prepared statement's column names, worked out once when it is prepared.
final class SQLiteColumns: Sendable {
    let index: [String: Int]

    init(_ names: [String]) {
        // The first of two columns with one name wins, as SQLite's own name lookup does.
        var index: [String: Int] = [:]
        for (position, name) in names.enumerated() where index[name] == nil { index[name] = position }
        self.index = index
    }
}
