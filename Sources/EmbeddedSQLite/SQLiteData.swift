/// A value as SQLite stores it: one of its five storage classes.
public enum SQLiteData: Sendable, Equatable {
    case integer(Int)
    case float(Double)
    case text(String)
    case blob([UInt8])
    case null

    /// The value if it is an integer.
    public var integer: Int? {
        if case .integer(let value) = self { value } else { nil }
    }
}
