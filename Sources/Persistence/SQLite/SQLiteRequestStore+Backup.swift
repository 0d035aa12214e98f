import DSRCore
import Foundation
import EmbeddedSQLite

/// What a backup file holds, checked by reading it back.
package struct BackupSummary: Sendable, Equatable {
    package var schemaVersion: Int
    package var requests: Int
    package var auditEntries: Int
}

extension SQLiteRequestStore {
    /// Writes a consistent copy of the database at `source` to `path` while the gateway keeps serving, on a
    /// connection of its own: `VACUUM INTO` reads one snapshot (a read transaction, so the gateway's writes carry on
    /// in the WAL) into a new, compacted file: the consistency of SQLite's page-by-page backup API in one statement. `path` must not exist.
    package static func backup(databaseAt source: String, to path: String) async throws {
        guard !FileManager.default.fileExists(atPath: path) else { throw StoreError(code: .backupTargetExists) }
        // VACUUM INTO fills an empty file and keeps its mode: the copy holds subject data.
        try PrivateFiles.createFileIfMissing(atPath: path)
        let connection = try await SQLiteConnection.open(path: source)
        do {
            _ = try await connection.query("VACUUM INTO ?1", [.text(path)])
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Opens the file at `path` without changing it and checks it is a whole, readable gateway database: SQLite's
    /// integrity check, the schema version, and the number of requests and audit entries.
    package static func inspectBackup(at path: String) async throws -> BackupSummary {
        // Opening a missing file would create an empty database.
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError(code: .corruptBackup) }
        let connection = try await SQLiteConnection.open(path: path)
        do {
            let integrity = try await connection.query("PRAGMA integrity_check").first.map {
                try SQLiteRowReader(row: $0).optionalText("integrity_check")
            }
            guard integrity == "ok" else { throw StoreError(code: .corruptBackup) }
            let version = try await SQLiteMigrator.standing(connection).version
            let counts = try await connection.query(
                "SELECT (SELECT COUNT(*) FROM requests) AS requests, (SELECT COUNT(*) FROM audit_entries) AS entries")
            guard let row = counts.first else { throw StoreError(code: .corruptBackup) }
            let reader = SQLiteRowReader(row: row)
            let summary = BackupSummary(
                schemaVersion: version, requests: try reader.integer("requests"),
                auditEntries: try reader.integer("entries"))
            try await connection.close()
            return summary
        } catch {
            try? await connection.close()
            throw error
        }
    }
}
