import AuditLog
import DSRCore
import Foundation
import SQLiteNIO

extension AuditEntry {
    /// Appends one entry to a request's trail, at the audit log's next position (the trigger `audit_log_append` then
    /// grows the log in the same transaction), with its leaf hash.
    static let sqliteInsert = """
        INSERT INTO audit_entries
            (request_id, at, actor, event, from_state, to_state, detail, principal, leaf_index, leaf_hash)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, (SELECT size FROM audit_log WHERE id = 1), ?9)
        """

    /// The values for ``sqliteInsert``.
    func sqliteBinds(requestID: UUID) -> [SQLiteData] {
        [
            .id(requestID), .date(at), .value(actor), .value(event), .value(fromState), .value(toState), .text(detail),
            .text(principal), Data(AuditLeaf.hash(requestID: requestID, entry: self)).sqliteData ?? .null,
        ]
    }
}
