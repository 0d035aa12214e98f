import Logging
import SQLiteNIO

/// Brings a database file up to the newest ``SQLiteMigration``, recording each step in `schema_migrations`.
enum SQLiteMigrator {
    /// Applies the migrations the file has not seen yet, in order, each in its own transaction.
    ///
    /// Safe against a second process migrating the same file at the same moment: each step re-checks
    /// `schema_migrations` after taking the write lock. Throws ``StoreError/Code/schemaTooNew`` when a newer
    /// build has migrated the file further than this one knows.
    static func migrate(_ connection: SQLiteConnection, logger: Logger) async throws {
        _ = try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY NOT NULL,
                name TEXT NOT NULL,
                applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
            ) STRICT
            """
        )
        let known = SQLiteMigration.all.last?.version ?? 0
        guard try await schemaVersion(connection) <= known else { throw StoreError(code: .schemaTooNew) }
        for migration in SQLiteMigration.all {
            let applied = try await connection.transaction {
                let rows = try await connection.query(
                    "SELECT version FROM schema_migrations WHERE version = ?1", [.integer(migration.version)]
                )
                guard rows.isEmpty else { return false }
                for statement in migration.statements {
                    _ = try await connection.query(statement)
                }
                _ = try await connection.query(
                    "INSERT INTO schema_migrations (version, name) VALUES (?1, ?2)",
                    [.integer(migration.version), .text(migration.name)]
                )
                return true
            }
            if applied {
                logger.info(
                    "Applied database migration",
                    metadata: [
                        "db.migration.version": "\(migration.version)", "db.migration.name": "\(migration.name)",
                    ]
                )
            }
        }
    }

    /// The highest migration version recorded in the file (0 for a new file).
    static func schemaVersion(_ connection: SQLiteConnection) async throws -> Int {
        let rows = try await connection.query("SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations")
        guard let row = rows.first else { throw StoreError(code: .corruptRow, column: "version") }
        return try SQLiteRowReader(row: row).integer("version")
    }
}
