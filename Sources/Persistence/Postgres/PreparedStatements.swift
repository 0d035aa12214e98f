import DSRCore
import PostgresNIO

/// A statement behind every API call of its kind, prepared once per connection: the server parses and plans it once
/// instead of on every call.
protocol PreparedStatement: PostgresPreparedStatement where Row == PostgresRow {
    var binds: PostgresBindings { get }
}

extension PreparedStatement {
    func makeBindings() -> PostgresBindings { binds }
    func decodeRow(_ row: PostgresRow) -> PostgresRow { row }
}

/// A request by id (every callback reads one): ``DSRRequest/postgresSelectByID``.
struct SelectRequest: PreparedStatement {
    static let sql = DSRRequest.postgresSelectByID
    let binds: PostgresBindings
}

/// A status read: ``DSRRequest/postgresSelectWithTrail``.
struct SelectRequestWithTrail: PreparedStatement {
    static let sql = DSRRequest.postgresSelectWithTrail
    let binds: PostgresBindings
}

/// A request by id, locked for the transaction that changes it (every audited change reads one).
struct LockRequest: PreparedStatement {
    static let sql = DSRRequest.postgresSelectByID + " FOR UPDATE"
    let binds: PostgresBindings
}

/// A request's every column rewritten: ``DSRRequest/postgresUpdate``.
struct RewriteRequest: PreparedStatement {
    static let sql = DSRRequest.postgresUpdate
    let binds: PostgresBindings
}

/// One audit entry, what most changes append: ``AuditEntry/postgresInsertSQL(_:)``.
struct AppendAuditEntry: PreparedStatement {
    static let sql = AuditEntry.postgresInsertSQL(1)
    let binds: PostgresBindings
}

/// A call kept with the change it caused: ``ProcessorExchange/postgresInsert``.
struct RecordExchange: PreparedStatement {
    static let sql = ProcessorExchange.postgresInsert
    let binds: PostgresBindings
}

/// A claimed request's next attempt, as a held delivery puts it back.
struct SetNextAttempt: PreparedStatement {
    static let sql = "UPDATE requests SET next_attempt_at = $1 WHERE id = $2"
    let binds: PostgresBindings
}

/// The workspace budget, locked for a change, with the database's clock as seconds since 2001 (the `Double` inside a
/// `Date`, like every stored instant).
struct LockWorkspaceBudget: PreparedStatement {
    static let sql = """
        SELECT budget, EXTRACT(EPOCH FROM clock_timestamp())::DOUBLE PRECISION - 978307200 AS now
        FROM workspace_budget WHERE id = 1 FOR UPDATE
        """
    let binds = PostgresBindings()
}

/// The workspace budget written back.
struct WriteWorkspaceBudget: PreparedStatement {
    static let sql = "UPDATE workspace_budget SET budget = $1 WHERE id = 1"
    let binds: PostgresBindings
}
