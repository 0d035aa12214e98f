import AuditLog
import DSRCore
import Foundation
import EmbeddedSQLite

extension AuditEntry {
    /// Appends one entry to a request's trail, at the audit log's next position (the trigger `audit_log_append` then
    /// grows the log in the same transaction), with its leaf hash.
    static let sqliteInsert = """
        INSERT INTO audit_entries
            (request_id, at, actor, event, from_state, to_state, detail, principal, evidence, leaf_index, leaf_hash)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, (SELECT size FROM audit_log WHERE id = 1), ?10)
        """

    /// Appends `count` entries in one statement, each with its position given: the values of ``sqliteBinds(requestID:)``
    /// passed through ``Swift/Array/positioned(at:)``. The writer reads the log's size first, in the same transaction;
    /// the trigger `audit_log_append` grows the log by one a row.
    static func sqliteInsertMany(_ count: Int) -> String {
        """
        INSERT INTO audit_entries
            (request_id, at, actor, event, from_state, to_state, detail, principal, evidence, leaf_index, leaf_hash)
        VALUES \(placeholderRows(count, columns: 11, marker: "?"))
        """
    }

    /// The values for ``sqliteInsert``.
    func sqliteBinds(requestID: UUID) -> [SQLiteData] {
        [
            .id(requestID), .date(at), .value(actor), .value(event), .value(fromState), .value(toState), .text(detail),
            .text(principal), .text(evidence),
            .blob(AuditLeaf.hash(requestID: requestID, entry: self)),
        ]
    }
}

extension [SQLiteData] {
    /// An entry's values from ``AuditEntry/sqliteBinds(requestID:)`` with its log position before the leaf hash: one
    /// row of ``AuditEntry/sqliteInsertMany(_:)``.
    func positioned(at position: Int) -> [SQLiteData] {
        Array(dropLast()) + [.integer(position), last ?? .null]
    }
}
