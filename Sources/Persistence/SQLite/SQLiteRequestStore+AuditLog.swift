import AuditLog
import Foundation
import EmbeddedSQLite

extension SQLiteRequestStore: AuditLogStore {
    package func auditLogHead() async throws -> AuditLogHead {
        guard let row = try await read(AuditLogSQL.head).first else {
            throw StoreError(code: .corruptRow, column: "audit_log")
        }
        return try AuditLogHead(reading: SQLiteRowReader(row: row))
    }

    package func auditLogRows(from: Int, to: Int) async throws -> [AuditLogRow] {
        guard from < to else { return [] }
        return try await read(AuditLogSQL.rows { "?\($0)" }, [.integer(from), .integer(to)]).map {
            try AuditLogRow(reading: SQLiteRowReader(row: $0))
        }
    }

    package func auditLogRows(requestID: UUID) async throws -> [AuditLogRow] {
        try await read(AuditLogSQL.rowsOfRequest { "?\($0)" }, [.id(requestID)]).map {
            try AuditLogRow(reading: SQLiteRowReader(row: $0))
        }
    }

    package func auditLogRowsWithoutPosition(limit: Int) async throws -> [AuditLogRow] {
        try await read(AuditLogSQL.rowsWithoutPosition { "?\($0)" }, [.integer(max(0, limit))]).map {
            try AuditLogRow(reading: SQLiteRowReader(row: $0))
        }
    }

    package func auditCheckpoints() async throws -> [StoredCheckpoint] {
        try await read(AuditLogSQL.checkpoints).map { try StoredCheckpoint(reading: SQLiteRowReader(row: $0)) }
    }

    package func latestAuditCheckpoint() async throws -> StoredCheckpoint? {
        try await read(AuditLogSQL.latestCheckpoint).first.map {
            try StoredCheckpoint(reading: SQLiteRowReader(row: $0))
        }
    }

    package func addAuditCheckpoint(_ checkpoint: StoredCheckpoint) async throws -> Bool {
        let binds: [SQLiteData] = [
            .integer(checkpoint.size), .blob(checkpoint.root),
            .blob(checkpoint.frontier), .text(checkpoint.note), .date(checkpoint.signedAt),
        ]
        return try await transaction { connection in
            try await !connection.query(AuditLogSQL.insertCheckpoint { "?\($0)" }, binds).isEmpty
        }
    }
}
