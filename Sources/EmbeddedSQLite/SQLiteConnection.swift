import CSQLite3
import NIOPosix
import Synchronization

/// One connection to a SQLite file (the system's libsqlite3) that keeps its prepared statements.
///
/// Every call runs on NIO's blocking thread pool, so no event loop waits for the disk, and does all its work there in
/// one hop: take the statement prepared for this SQL text (preparing it the first time), bind, step every row, reset.
/// Callers use a connection from one task at a time (SQLite connections are not for concurrent use); a lock makes a
/// mistake a wait, not a corruption.
public final class SQLiteConnection: Sendable {
    private let state: Mutex<State>
    private let threadPool: NIOThreadPool

    /// Statements kept per connection; past this the cache starts again (the gateway's own SQL is far fewer texts).
    static let cachedStatements = 256

    /// Only ever touched under the lock.
    private struct State: ~Copyable, @unchecked Sendable {
        var handle: OpaquePointer?
        var statements: [String: Prepared] = [:]
    }

    private struct Prepared {
        let statement: OpaquePointer
        let columns: SQLiteColumns
    }

    private init(handle: OpaquePointer, threadPool: NIOThreadPool) {
        self.state = Mutex(State(handle: handle))
        self.threadPool = threadPool
    }

    /// How long a statement waits for a lock another connection or process holds (a CLI reading the same file, the
    /// writer's checkpoint) before failing with `SQLITE_BUSY`; SQLite's own default is not to wait at all.
    public static let busyTimeoutMilliseconds: Int32 = 5000

    /// Opens (creating if missing) the database file at `path`, with SQLite's extended result codes and
    /// ``busyTimeoutMilliseconds``.
    public static func open(path: String, threadPool: NIOThreadPool = .singleton) async throws -> SQLiteConnection {
        let handle = try await threadPool.runIfActive { () throws -> Handle in
            var handle: OpaquePointer?
            let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
            let result = sqlite3_open_v2(path, &handle, flags, nil)
            guard result == SQLITE_OK, let handle else {
                let error = SQLiteError(
                    code: result, message: handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open")
                sqlite3_close_v2(handle)
                throw error
            }
            sqlite3_extended_result_codes(handle, 1)
            sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
            return Handle(pointer: handle)
        }
        return SQLiteConnection(handle: handle.pointer, threadPool: threadPool)
    }

    /// A raw handle crossing from the pool's thread to the caller once, before anything else can see it.
    private struct Handle: @unchecked Sendable { let pointer: OpaquePointer }

    /// Runs one SQL statement with `binds` for `?1`, `?2`, … and returns every row it yields.
    public func query(_ sql: String, _ binds: [SQLiteData] = []) async throws -> [SQLiteRow] {
        try await threadPool.runIfActive {
            try self.state.withLock { state in
                guard let handle = state.handle else {
                    throw SQLiteError(code: SQLITE_MISUSE, message: "the connection is closed")
                }
                let prepared = try Self.prepared(sql, in: &state.statements, handle: handle)
                defer {
                    sqlite3_reset(prepared.statement)
                    sqlite3_clear_bindings(prepared.statement)
                }
                try Self.bind(binds, to: prepared.statement, handle: handle)
                return try Self.rows(of: prepared, handle: handle)
            }
        }
    }

    /// True once ``close()`` has run.
    public var isClosed: Bool { state.withLock { $0.handle == nil } }

    /// Finalizes the kept statements and closes the file; later queries throw.
    public func close() async throws {
        try await threadPool.runIfActive {
            self.state.withLock { state in
                for prepared in state.statements.values { sqlite3_finalize(prepared.statement) }
                state.statements = [:]
                sqlite3_close_v2(state.handle)
                state.handle = nil
            }
        }
    }

    private static func prepared(
        _ sql: String, in statements: inout [String: Prepared], handle: OpaquePointer
    ) throws -> Prepared {
        if let prepared = statements[sql] { return prepared }
        var statement: OpaquePointer?
        // One statement per call: what follows the first may only be blank or semicolons.
        let (result, more) = sql.withCString { text in
            var tail: UnsafePointer<CChar>?
            let result = sqlite3_prepare_v3(handle, text, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, &tail)
            return (result, tail.map { String(cString: $0).contains { !$0.isWhitespace && $0 != ";" } } ?? false)
        }
        guard result == SQLITE_OK, let statement else {
            sqlite3_finalize(statement)
            throw SQLiteError(handle: handle, code: result)
        }
        guard !more else {
            sqlite3_finalize(statement)
            throw SQLiteError(code: SQLITE_MISUSE, message: "more than one statement in one query")
        }
        let columns = SQLiteColumns(
            (0..<sqlite3_column_count(statement)).map { String(cString: sqlite3_column_name(statement, $0)) })
        if statements.count >= cachedStatements {
            for prepared in statements.values { sqlite3_finalize(prepared.statement) }
            statements = [:]
        }
        let prepared = Prepared(statement: statement, columns: columns)
        statements[sql] = prepared
        return prepared
    }

    private static func bind(_ binds: [SQLiteData], to statement: OpaquePointer, handle: OpaquePointer) throws {
        for (offset, value) in binds.enumerated() {
            let index = Int32(offset + 1)
            let result: Int32
            switch value {
            case .integer(let value): result = sqlite3_bind_int64(statement, index, Int64(value))
            case .float(let value): result = sqlite3_bind_double(statement, index, value)
            case .null: result = sqlite3_bind_null(statement, index)
            case .text(let value):
                result = value.withCString {
                    sqlite3_bind_text64(
                        statement, index, $0, UInt64(value.utf8.count), csqlite3_transient(), UInt8(SQLITE_UTF8))
                }
            case .blob(let bytes):
                result = bytes.withUnsafeBytes { bytes in
                    // A zero-length blob is still a blob, not NULL: SQLite wants a non-null pointer for it.
                    sqlite3_bind_blob64(
                        statement, index, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), UInt64(bytes.count),
                        csqlite3_transient())
                }
            }
            guard result == SQLITE_OK else { throw SQLiteError(handle: handle, code: result) }
        }
    }

    private static func rows(of prepared: Prepared, handle: OpaquePointer) throws -> [SQLiteRow] {
        let statement = prepared.statement
        let count = sqlite3_column_count(statement)
        var rows: [SQLiteRow] = []
        while true {
            let result = sqlite3_step(statement)
            guard result == SQLITE_ROW else {
                guard result == SQLITE_DONE else { throw SQLiteError(handle: handle, code: result) }
                return rows
            }
            var values: [SQLiteData] = []
            values.reserveCapacity(Int(count))
            for column in 0..<count { values.append(value(of: statement, at: column)) }
            rows.append(SQLiteRow(columns: prepared.columns, values: values))
        }
    }

    private static func value(of statement: OpaquePointer, at column: Int32) -> SQLiteData {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: return .integer(Int(sqlite3_column_int64(statement, column)))
        case SQLITE_FLOAT: return .float(sqlite3_column_double(statement, column))
        case SQLITE_TEXT:
            let length = Int(sqlite3_column_bytes(statement, column))
            guard let text = sqlite3_column_text(statement, column) else { return .text("") }
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: length), as: UTF8.self))
        case SQLITE_BLOB:
            let length = Int(sqlite3_column_bytes(statement, column))
            guard let bytes = sqlite3_column_blob(statement, column) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: length)))
        default: return .null
        }
    }
}

extension SQLiteError {
    /// A failed call's result code, with the connection's message for it.
    init(handle: OpaquePointer, code: Int32) {
        self.init(code: code, message: String(cString: sqlite3_errmsg(handle)))
    }
}
