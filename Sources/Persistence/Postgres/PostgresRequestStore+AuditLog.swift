import AuditLog
import Foundation
import PostgresNIO

extension PostgresRequestStore {
    package func auditLogHead() async throws -> AuditLogHead {
        guard let row = try await read("SELECT size, hashed_from FROM audit_log WHERE id = 1").first else {
            throw StoreError(code: .corruptRow, column: "audit_log")
        }
        return try AuditLogHead(reading: PostgresRowReader(row: row))
    }

    package func auditLogRows(from: Int, to: Int) async throws -> [AuditLogRow] {
        guard from < to else { return [] }
        var binds = PostgresBindings()
        binds.append(integer: from)
        binds.append(integer: to)
        return try await read(
            """
            SELECT \(AuditLogRow.columns) FROM audit_entries
            WHERE leaf_index >= $1 AND leaf_index < $2 ORDER BY leaf_index
            """, binds
        ).map { try AuditLogRow(reading: PostgresRowReader(row: $0)) }
    }

    package func auditLogRowsWithoutPosition(limit: Int) async throws -> [AuditLogRow] {
        var binds = PostgresBindings()
        binds.append(integer: max(0, limit))
        return try await read(
            "SELECT \(AuditLogRow.columns) FROM audit_entries WHERE leaf_index IS NULL ORDER BY id LIMIT $1", binds
        ).map { try AuditLogRow(reading: PostgresRowReader(row: $0)) }
    }

    package func auditCheckpoints() async throws -> [StoredCheckpoint] {
        try await read("SELECT \(StoredCheckpoint.columns) FROM audit_checkpoints ORDER BY size, id").map {
            try StoredCheckpoint(reading: PostgresRowReader(row: $0))
        }
    }

    package func latestAuditCheckpoint() async throws -> StoredCheckpoint? {
        try await read("SELECT \(StoredCheckpoint.columns) FROM audit_checkpoints ORDER BY size DESC, id DESC LIMIT 1")
            .first
            .map { try StoredCheckpoint(reading: PostgresRowReader(row: $0)) }
    }

    package func addAuditCheckpoint(_ checkpoint: StoredCheckpoint) async throws -> Bool {
        var binds = PostgresBindings()
        binds.append(integer: checkpoint.size)
        binds.append(ByteBuffer(bytes: checkpoint.root))
        binds.append(ByteBuffer(bytes: checkpoint.frontier))
        binds.append(checkpoint.note)
        binds.append(date: checkpoint.signedAt)
        return try await !write(
            """
            INSERT INTO audit_checkpoints (\(StoredCheckpoint.columns)) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (note) DO NOTHING RETURNING size
            """, binds
        ).isEmpty
    }
}
