import DSRCore
import Foundation
import SQLiteNIO

extension AuditEntry {
    /// Appends one entry to a request's trail.
    static let sqliteInsert = """
        INSERT INTO audit_entries (request_id, at, actor, event, from_state, to_state, detail, principal)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
        """

    /// The values for ``sqliteInsert``.
    func sqliteBinds(requestID: UUID) -> [SQLiteData] {
        [
            .id(requestID), .date(at), .value(actor), .value(event), .value(fromState), .value(toState), .text(detail),
            .text(principal),
        ]
    }
}
