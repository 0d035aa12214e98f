import DSRCore
import Logging
import PostgresNIO

/// Brings a PostgreSQL database up to the newest ``Migration`` of ``PostgresMigration``, once per deployment: every
/// instance starting at once takes the same session advisory lock, so one migrates and the others find it done.
enum PostgresMigrator {
    /// `pg_advisory_lock` key: "dsr-gateway migrations".
    static let lockKey: Int64 = 0x6473_722d_6d69_6772

    /// Waiting for another instance's migration and running a step may take far longer than one query: the
    /// session lifts `statement_timeout` to this (and sets it back) and the whole migration is bounded by it.
    static let timeLimit = Duration.seconds(120)

    /// With `migrating` false nothing is applied, and a database behind `migrations` is refused
    /// (``StoreError/Code/schemaTooOld``).
    static func migrate(_ store: PostgresRequestStore, migrations: [Migration], migrating: Bool) async throws {
        let logger = store.logger
        let sessionTimeout = "\(store.timeLimit / .milliseconds(1))"
        do {
            try await withTimeLimit(timeLimit) {
                try await store.client.withConnection { connection in
                    try await connection.rows("SET statement_timeout = \(timeLimit / .milliseconds(1))", logger: logger)
                    try await connection.rows("SELECT pg_advisory_lock($1)", binds(lockKey), logger: logger)
                    do {
                        try await apply(migrations, migrating: migrating, on: connection, logger: logger)
                    } catch {
                        _ = try? await connection.rows("SELECT pg_advisory_unlock($1)", binds(lockKey), logger: logger)
                        _ = try? await connection.rows("SET statement_timeout = \(sessionTimeout)", logger: logger)
                        throw error
                    }
                    try await connection.rows("SELECT pg_advisory_unlock($1)", binds(lockKey), logger: logger)
                    try await connection.rows("SET statement_timeout = \(sessionTimeout)", logger: logger)
                }
            }
        } catch  where PostgresRequestStore.isUnavailability(error) {
            throw StoreError(code: .unavailable)
        }
    }

    private static func apply(
        _ migrations: [Migration], migrating: Bool, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.rows(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version BIGINT PRIMARY KEY,
                name TEXT NOT NULL,
                oldest_compatible BIGINT,
                applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
            )
            """, logger: logger)
        let known = migrations.last?.version ?? 0
        let standing = try await standing(connection.rows(standingQuery, logger: logger))
        try standing.check(known: known, migrating: migrating)
        if standing.version > known {
            logger.notice(
                "Running on a newer schema inside its compatibility window",
                metadata: ["db.schema.version": "\(standing.version)", "db.schema.known": "\(known)"])
        }
        for migration in migrations where migrating && migration.version > standing.version {
            try await connection.withTransaction(logger: logger) { connection in
                for statement in migration.statements {
                    try await connection.rows(statement, logger: logger)
                }
                var binds = PostgresBindings()
                binds.append(integer: migration.version)
                binds.append(migration.name)
                binds.append(integer: migration.oldestCompatible)
                try await connection.rows(
                    "INSERT INTO schema_migrations (version, name, oldest_compatible) VALUES ($1, $2, $3)", binds,
                    logger: logger)
            }
            logger.info(
                "Applied database migration",
                metadata: ["db.migration.version": "\(migration.version)", "db.migration.name": "\(migration.name)"])
        }
    }

    static let standingQuery = """
        SELECT COALESCE(MAX(version), 0) AS version,
               COALESCE(MAX(COALESCE(oldest_compatible, version)), 0) AS oldest_compatible
        FROM schema_migrations
        """

    static func standing(_ client: PostgresClient, logger: Logger) async throws -> SchemaStanding {
        try standing(try await client.query(PostgresQuery(unsafeSQL: standingQuery), logger: logger).collect())
    }

    private static func standing(_ rows: [PostgresRow]) throws -> SchemaStanding {
        guard let row = rows.first else { throw StoreError(code: .corruptRow, column: "version") }
        let reader = PostgresRowReader(row: row)
        return SchemaStanding(
            version: try reader.integer("version"), oldestCompatible: try reader.integer("oldest_compatible"))
    }

    private static func binds(_ key: Int64) -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(key)
        return binds
    }
}
