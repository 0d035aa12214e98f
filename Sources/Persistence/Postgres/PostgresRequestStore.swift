import DSRCore
import Foundation
import Logging
import PostgresNIO
import _ConnectionPoolModule

/// The ``GatewayStore`` for a fleet: several gateway instances share one PostgreSQL database.
///
/// Connections come from postgres-nio's pool, run by a task the store owns from ``open(url:logger:observer:)`` to
/// ``close()``. postgres-nio bounds connecting but not queries, so every operation here is bounded twice: by the
/// session's `statement_timeout` and by a time limit around the whole operation (a server that stops answering
/// cannot hold a caller). A lost connection, a refused one or a timeout is ``StoreError/Code/unavailable``: reads are
/// tried again once on a fresh connection; writes are not (the caller's retry is idempotent by id or key).
///
/// Instants are stored as the `Double` inside each `Date`, as in SQLite, so a request reads back `==` to the one
/// written. Claims use `FOR UPDATE SKIP LOCKED`, so instances never take the same row.
package final class PostgresRequestStore: GatewayStore {
    let client: PostgresClient
    private let running: Task<Void, Never>
    let logger: Logger
    let observer: ChangeObserver?
    /// The bound on one operation, and (in milliseconds) the session's `statement_timeout`.
    let timeLimit: Duration
    /// Seal subjects on writes; nil for a store opened without them (it reads only, and no sealed subject).
    let subjectKeys: SubjectKeys?
    /// Creations waiting for this instance's writer, and the gate that lets one group in at a time.
    let creations = GroupCommit<Void>()
    let creationGate = AsyncSerialGate()
    /// Workspace budget changes waiting to be applied together.
    let budgetChanges = WorkspaceBudgetChanges()

    private init(
        client: PostgresClient, running: Task<Void, Never>, logger: Logger, observer: ChangeObserver?,
        timeLimit: Duration, subjectKeys: SubjectKeys?
    ) {
        self.client = client
        self.running = running
        self.logger = logger
        self.observer = observer
        self.timeLimit = timeLimit
        self.subjectKeys = subjectKeys
    }

    /// Connects to `url` (`postgres://user:password@host:port/database`), migrates under an advisory lock (once per
    /// deployment, however many instances start together) and returns the store. `observer` hears of every committed
    /// creation and change.
    package static func open(
        url: PostgresURL, logger: Logger, observer: ChangeObserver? = nil, timeLimit: Duration = .seconds(5),
        migrations: [Migration] = PostgresMigration.all, migrating: Bool = true, subjectKeys: SubjectKeys? = nil
    ) async throws -> PostgresRequestStore {
        var configuration = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.username, password: url.password, database: url.database,
            tls: url.usesTLS ? .require(.makeClientConfiguration()) : .disable)
        configuration.options.connectTimeout = timeLimit
        configuration.options.additionalStartupParameters = [
            ("statement_timeout", "\(timeLimit / .milliseconds(1))"), ("application_name", "dsr-gateway"),
        ]
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let running = Task { await client.run() }
        let store = PostgresRequestStore(
            client: client, running: running, logger: logger, observer: observer, timeLimit: timeLimit,
            subjectKeys: subjectKeys)
        do {
            try await PostgresMigrator.migrate(store, migrations: migrations, migrating: migrating)
            if migrations.contains(where: { $0.version == PostgresMigration.subjectSealing }) {
                try await store.prepareSubjects(sealing: migrating)
            }
        } catch {
            running.cancel()
            throw error
        }
        logger.debug("Opened request store", metadata: ["db.engine": "postgresql"])
        return store
    }

    /// Stops the connection pool; later calls fail.
    package func close() async throws {
        running.cancel()
        await running.value
    }

    /// Every migration of this engine, for tests that play an older or newer release.
    package static var migrations: [Migration] { PostgresMigration.all }

    /// The newest migration applied to the database.
    package func schemaVersion() async throws -> Int {
        try await bounded(retrying: true) { try await PostgresMigrator.standing(self.client, logger: self.logger) }
            .version
    }

    /// Runs `operation` within the time limit, turning connection trouble into ``StoreError/Code/unavailable``;
    /// `retrying` tries once more on a fresh connection (reads only).
    func bounded<T: Sendable>(retrying: Bool = false, _ operation: @escaping @Sendable () async throws -> T)
        async throws -> T
    {
        do {
            return try await withTimeLimit(timeLimit) {
                do { return try await operation() } catch  where retrying && Self.isUnavailability(error) {
                    return try await operation()
                }
            }
        } catch  where Self.isUnavailability(error) {
            throw StoreError(code: .unavailable)
        }
    }

    /// A timeout, a connection that could not be made or was lost, or a query the server cancelled for taking too
    /// long: worth trying again later. Constraint violations and the like are not.
    static func isUnavailability(_ error: any Error) -> Bool {
        if error is TimeLimitExceeded || error is CancellationError || error is ConnectionPoolError { return true }
        if let transaction = error as? PostgresTransactionError {
            return [transaction.beginError, transaction.closureError, transaction.commitError]
                .contains { $0.map(isUnavailability) ?? false }
        }
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed,
            .queryCancelled:
            return true
        case .server:
            // 57014 query_canceled (statement_timeout), 57P01…03 shutting down, 08… connection exceptions.
            let state = error.serverInfo?[.sqlState] ?? ""
            return state == "57014" || state.hasPrefix("57P") || state.hasPrefix("08")
        default:
            return false
        }
    }

    /// One read statement's rows.
    func read(_ sql: String, _ binds: PostgresBindings = PostgresBindings()) async throws -> [PostgresRow] {
        try await bounded(retrying: true) {
            try await self.client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: self.logger).collect()
        }
    }

    /// One prepared statement's rows; `retrying` for reads only.
    func run(_ statement: some PreparedStatement, retrying: Bool) async throws -> [PostgresRow] {
        try await bounded(retrying: retrying) {
            try await self.client.execute(statement, logger: self.logger).reduce(into: []) { $0.append($1) }
        }
    }

    /// One write statement on its own (atomic by itself); its rows.
    @discardableResult
    func write(_ sql: String, _ binds: PostgresBindings = PostgresBindings()) async throws -> [PostgresRow] {
        try await bounded {
            try await self.client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: self.logger).collect()
        }
    }

    /// Runs `body` in one transaction on one connection. What `body` throws is rethrown as it is once the
    /// transaction has been rolled back.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T
    {
        try await bounded {
            do {
                return try await self.client.withTransaction(logger: self.logger) { try await body($0) }
            } catch let error as PostgresTransactionError {
                if let thrown = error.closureError, error.rollbackError == nil, !Self.isUnavailability(thrown) {
                    throw thrown
                }
                throw error
            }
        }
    }
}

extension PostgresConnection {
    /// One statement's rows, inside a transaction.
    @discardableResult
    func rows(_ sql: String, _ binds: PostgresBindings = PostgresBindings(), logger: Logger) async throws
        -> [PostgresRow]
    {
        try await query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).get().rows
    }

    /// One prepared statement's rows, inside a transaction.
    @discardableResult
    func rows(_ statement: some PreparedStatement, logger: Logger) async throws -> [PostgresRow] {
        try await execute(statement, logger: logger).reduce(into: []) { $0.append($1) }
    }

    /// Appends `entries` (each with its request's id) to the trail, with the prepared statement when there is one.
    func appendToTrail(_ entries: [(entry: AuditEntry, requestID: UUID)], logger: Logger) async throws {
        let binds = AuditEntry.postgresBinds(entries)
        if entries.count == 1 {
            try await rows(AppendAuditEntry(binds: binds), logger: logger)
        } else {
            try await rows(AuditEntry.postgresInsertSQL(entries.count), binds, logger: logger)
        }
    }
}

extension PostgresRequestStore {
    /// The keys writes seal subjects with: a store opened without them reads only.
    func writingKeys() throws -> SubjectKeys {
        guard let subjectKeys else { throw StoreError(code: .subjectKeyMissing) }
        return subjectKeys
    }

    /// Refuses a database whose subjects are sealed with a key not given; then, when `sealing`, records the current
    /// key and seals the subjects stored before they were sealed, a batch per transaction (under the migration lock's
    /// successor: rows are claimed `FOR UPDATE SKIP LOCKED`, so instances starting together share the work).
    fileprivate func prepareSubjects(sealing: Bool) async throws {
        guard let keys = subjectKeys else { return }
        let used = try await read("SELECT id FROM subject_keys").map { try PostgresRowReader(row: $0).text("id") }
        guard Set(used).isSubset(of: keys.ids) else { throw StoreError(code: .subjectKeyMissing) }
        guard sealing else { return }
        try await recordCurrentKey(keys)
        try await reseal(keys, allKeys: false)
    }

    private func recordCurrentKey(_ keys: SubjectKeys) async throws {
        var key = PostgresBindings()
        key.append(keys.current.id)
        key.append(date: Date())
        try await write("INSERT INTO subject_keys (id, added_at) VALUES ($1, $2) ON CONFLICT DO NOTHING", key)
    }

    /// Seals afresh the subjects not sealed yet (`allKeys` false) or not sealed with the current key (true), by id, a
    /// batch per transaction after the last, so every row is visited once; returns how many. An erased subject keeps
    /// the keyed hash it had (the hash of "" under the new key would be every erased row's).
    @discardableResult
    private func reseal(_ keys: SubjectKeys, allKeys: Bool) async throws -> Int {
        let logger = logger
        let condition =
            allKeys ? "(subject_lookup IS NULL OR subject_customer_id NOT LIKE $2)" : "subject_lookup IS NULL"
        var (after, count) = ("", 0)
        while true {
            var cursor = PostgresBindings()
            cursor.append(after)
            if allKeys { cursor.append(keys.currentPattern) }
            let (last, visited) = try await transaction { [cursor] connection -> (String?, Int) in
                let rows = try await connection.rows(
                    """
                    SELECT id, subject_customer_id, subject_email FROM requests
                    WHERE \(condition) AND id > $1 ORDER BY id LIMIT 500 FOR UPDATE SKIP LOCKED
                    """, cursor, logger: logger)
                for row in rows {
                    let reader = PostgresRowReader(row: row)
                    let sealed = try keys.resealed(
                        customerId: try reader.text("subject_customer_id"),
                        email: try reader.optionalText("subject_email"), requestID: try reader.id("id"))
                    var binds = PostgresBindings()
                    binds.append(try reader.text("id"))
                    binds.append(sealed.customerId)
                    binds.append(sealed.email)
                    binds.append(sealed.lookup)
                    try await connection.rows(
                        """
                        UPDATE requests SET subject_customer_id = $2, subject_email = $3,
                            subject_lookup = CASE WHEN subject_erased_at IS NULL THEN $4 ELSE subject_lookup END
                        WHERE id = $1
                        """, binds, logger: logger)
                    try await Self.resealBodies(keys, requestID: try reader.id("id"), on: connection, logger: logger)
                }
                return (try rows.last.map { try PostgresRowReader(row: $0).text("id") }, rows.count)
            }
            count += visited
            guard let last else { return count }
            after = last
        }
    }

    /// Seals the bodies of request `requestID`'s kept calls afresh with the current key, with its subject.
    private static func resealBodies(
        _ keys: SubjectKeys, requestID: UUID, on connection: PostgresConnection, logger: Logger
    ) async throws {
        var request = PostgresBindings()
        request.append(id: requestID)
        for column in ProcessorExchange.sealedColumns {
            let kept = try await connection.rows(
                "SELECT id, \(column) FROM processor_exchanges WHERE request_id = $1 AND \(column) IS NOT NULL",
                request, logger: logger)
            for row in kept {
                let reader = PostgresRowReader(row: row)
                var binds = PostgresBindings()
                binds.append(integer: try reader.integer("id"))
                binds.append(try keys.resealed(reader.text(column), requestID: requestID, column: column))
                try await connection.rows(
                    "UPDATE processor_exchanges SET \(column) = $2 WHERE id = $1", binds, logger: logger)
            }
        }
    }

    package func resealSubjects() async throws -> SubjectRotation {
        let keys = try writingKeys()
        try await recordCurrentKey(keys)
        let resealed = try await reseal(keys, allKeys: true)
        var pattern = PostgresBindings()
        pattern.append(keys.currentPattern)
        let remaining =
            try await read(
                """
                SELECT (SELECT COUNT(*) FROM requests WHERE subject_customer_id NOT LIKE $1)
                    + (SELECT COUNT(*) FROM processor_exchanges WHERE sent NOT LIKE $1 OR answer NOT LIKE $1) AS n
                """, pattern
            ).first.map { try PostgresRowReader(row: $0).integer("n") } ?? 0
        guard remaining == 0 else { return SubjectRotation(resealed: resealed, retired: [], remaining: remaining) }
        var current = PostgresBindings()
        current.append(keys.current.id)
        let retired = try await write("DELETE FROM subject_keys WHERE id != $1 RETURNING id", current).map {
            try PostgresRowReader(row: $0).text("id")
        }
        return SubjectRotation(resealed: resealed, retired: retired.sorted(), remaining: 0)
    }
}
