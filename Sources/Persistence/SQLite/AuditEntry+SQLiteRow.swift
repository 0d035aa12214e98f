import DSRCore
import Foundation
import SQLiteNIO

extension AuditEntry {
    /// Appends one entry to a request's trail.
    static let sqliteInsert = """
        INSERT INTO audit_entries (request_id, at, actor, event, from_state, to_state, detail)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
        """

    /// A request's trail, oldest first.
    static let sqliteSelectTrail = """
        SELECT at, actor, event, from_state, to_state, detail
        FROM audit_entries WHERE request_id = ?1 ORDER BY id
        """

    /// The values for ``sqliteInsert``.
    func sqliteBinds(requestID: UUID) -> [SQLiteData] {
        [.id(requestID), .date(at), .value(actor), .value(event), .value(fromState), .value(toState), .text(detail)]
    }

    /// Decodes a row selected by ``sqliteSelectTrail``.
    init(sqliteRow row: SQLiteRow) throws {
        try self.init(reading: SQLiteRowReader(row: row))
    }
}
