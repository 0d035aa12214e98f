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
