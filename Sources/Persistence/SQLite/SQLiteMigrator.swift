import Logging
import EmbeddedSQLite

/// Brings a database file up to the newest ``Migration`` of ``SQLiteMigration``, recording each step in
/// `schema_migrations`.
package enum SQLiteMigrator {
    /// Applies the migrations the file has not seen yet, in order, each in its own transaction.
    ///
    /// Safe against a second process migrating the same file at the same moment: each step re-checks
    /// `schema_migrations` after taking the write lock. A file migrated further than `migrations` go is accepted
    /// while its compatibility window admits this release, else refused with ``StoreError/Code/schemaTooNew``.
    /// With `migrating` false nothing is applied, and a file behind `migrations` is refused
    /// (``StoreError/Code/schemaTooOld``).
    static func migrate(
        _ connection: SQLiteConnection, migrations: [Migration] = SQLiteMigration.all, migrating: Bool = true,
        logger: Logger
    ) async throws {
        _ = try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY NOT NULL,
                name TEXT NOT NULL,
                applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
            ) STRICT
            """
        )
        // Files from before the compatibility window lack the column: each of their steps admits only itself.
        let columns = try await connection.query("SELECT name FROM pragma_table_info('schema_migrations')")
        if try !columns.contains(where: { try SQLiteRowReader(row: $0).text("name") == "oldest_compatible" }) {
            _ = try await connection.query("ALTER TABLE schema_migrations ADD COLUMN oldest_compatible INTEGER")
        }
        let known = migrations.last?.version ?? 0
        let standing = try await standing(connection)
        try standing.check(known: known, migrating: migrating)
        if standing.version > known {
            logger.notice(
                "Running on a newer schema inside its compatibility window",
                metadata: ["db.schema.version": "\(standing.version)", "db.schema.known": "\(known)"])
        }
        for migration in migrations where migrating {
            let applied = try await connection.transaction {
                let rows = try await connection.query(
                    "SELECT version FROM schema_migrations WHERE version = ?1", [.integer(migration.version)]
                )
                guard rows.isEmpty else { return false }
                for statement in migration.statements {
                    _ = try await connection.query(statement)
                }
                _ = try await connection.query(
                    "INSERT INTO schema_migrations (version, name, oldest_compatible) VALUES (?1, ?2, ?3)",
                    [.integer(migration.version), .text(migration.name), .integer(migration.oldestCompatible)]
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

    /// The newest step recorded in the file (0 for a new file) and the oldest release the file admits.
    static func standing(_ connection: SQLiteConnection) async throws -> SchemaStanding {
        let rows = try await connection.query(
            """
            SELECT COALESCE(MAX(version), 0) AS version,
                   COALESCE(MAX(COALESCE(oldest_compatible, version)), 0) AS oldest_compatible
            FROM schema_migrations
            """)
        guard let row = rows.first else { throw StoreError(code: .corruptRow, column: "version") }
        let reader = SQLiteRowReader(row: row)
        return SchemaStanding(
            version: try reader.integer("version"), oldestCompatible: try reader.integer("oldest_compatible"))
    }
}
