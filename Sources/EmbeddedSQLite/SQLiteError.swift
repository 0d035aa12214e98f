import CSQLite3

/// A failure SQLite reported: its extended result code and message.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// SQLite's extended result code (`SQLITE_IOERR_FSYNC`, `SQLITE_CONSTRAINT_TRIGGER`, …).
    public let code: Int32
    public let message: String

    /// What kind of failure it is, from the primary result code.
    public enum Reason: Sendable, Equatable {
        /// "database or disk is full" (`SQLITE_FULL`).
        case full
        /// Any disk I/O error (`SQLITE_IOERR` and its extended codes).
        case ioError
        /// A constraint, or a trigger's `RAISE(ABORT, …)` (`SQLITE_CONSTRAINT`).
        case constraint
        /// Misuse of the connection, such as a call after it was closed (`SQLITE_MISUSE`).
        case misuse
        case other
    }

    public var reason: Reason {
        switch code & 0xff {
        case SQLITE_FULL: .full
        case SQLITE_IOERR: .ioError
        case SQLITE_CONSTRAINT: .constraint
        case SQLITE_MISUSE: .misuse
        default: .other
        }
    }

    public var description: String { "SQLite error \(code): \(message)" }
}
