import AuditLog
import Foundation
import PostgresNIO

extension PostgresRequestStore {
    package func auditLogHead() async throws -> AuditLogHead {
        guard let row = try await read(AuditLogSQL.head).first else {
            throw StoreError(code: .corruptRow, column: "audit_log")
        }
        return try AuditLogHead(reading: PostgresRowReader(row: row))
    }

    package func auditLogRows(from: Int, to: Int) async throws -> [AuditLogRow] {
        guard from < to else { return [] }
        var binds = PostgresBindings()
        binds.append(integer: from)
        binds.append(integer: to)
        return try await read(AuditLogSQL.rows { "$\($0)" }, binds).map {
            try AuditLogRow(reading: PostgresRowReader(row: $0))
        }
    }

    package func auditLogRows(requestID: UUID) async throws -> [AuditLogRow] {
        var binds = PostgresBindings()
        binds.append(id: requestID)
        return try await read(AuditLogSQL.rowsOfRequest { "$\($0)" }, binds).map {
            try AuditLogRow(reading: PostgresRowReader(row: $0))
        }
    }

    package func auditLogRowsWithoutPosition(limit: Int) async throws -> [AuditLogRow] {
        var binds = PostgresBindings()
        binds.append(integer: max(0, limit))
        return try await read(AuditLogSQL.rowsWithoutPosition { "$\($0)" }, binds).map {
            try AuditLogRow(reading: PostgresRowReader(row: $0))
        }
    }

    package func auditCheckpoints() async throws -> [StoredCheckpoint] {
        try await read(AuditLogSQL.checkpoints).map { try StoredCheckpoint(reading: PostgresRowReader(row: $0)) }
    }

    package func latestAuditCheckpoint() async throws -> StoredCheckpoint? {
        try await read(AuditLogSQL.latestCheckpoint).first.map {
            try StoredCheckpoint(reading: PostgresRowReader(row: $0))
        }
    }

    package func addAuditCheckpoint(_ checkpoint: StoredCheckpoint) async throws -> Bool {
        var binds = PostgresBindings()
        binds.append(integer: checkpoint.size)
        binds.append(ByteBuffer(bytes: checkpoint.root))
        binds.append(ByteBuffer(bytes: checkpoint.frontier))
        binds.append(checkpoint.note)
        binds.append(date: checkpoint.signedAt)
        return try await !write(AuditLogSQL.insertCheckpoint { "$\($0)" }, binds).isEmpty
    }
}
