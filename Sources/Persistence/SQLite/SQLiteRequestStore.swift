import DSRCore
import Foundation
import Logging
import EmbeddedSQLite
import Synchronization

/// The embedded ``RequestStore``: one SQLite file in WAL mode, one writing connection and a few reading ones.
///
/// Every use of the writing connection passes through one FIFO gate, so a transaction's statements never
/// interleave with another task's. Plain reads go to reading connections (WAL lets them run alongside the writer and
/// each other; each sees only committed data), so status reads do not queue behind writes. Creations are committed
/// in groups: whoever holds the gate inserts every creation waiting for it in one transaction.
///
/// Instants are stored losslessly (the `Double` inside each `Date`), so a request reads back `==` to the one
/// written. What `update` and `claimDue` return is the row as stored, read back in the same statement; `create`
/// returns the request it inserted (every column is bound from it) or the stored one that made it skip.
package final class SQLiteRequestStore: RequestStore {
    private let connection: SQLiteConnection
    private let gate = AsyncSerialGate()
    private let readers: [GatedConnection]
    private let nextReader = Atomic<Int>(0)
    private let logger: Logger
    let observer: ChangeObserver?
    let creations = GroupCommit<PreparedCreate>()
    /// Workspace budget changes waiting to be applied together.
    let budgetChanges = WorkspaceBudgetChanges()
    /// Seal subjects on writes; nil for a read-only open without the key (sealed subjects then cannot be read).
    let subjectKeys: SubjectKeys?

    private init(
        connection: SQLiteConnection, readers: [SQLiteConnection], logger: Logger, observer: ChangeObserver?,
        subjectKeys: SubjectKeys?
    ) {
        self.connection = connection
        self.readers = readers.map(GatedConnection.init)
        self.logger = logger
        self.observer = observer
        self.subjectKeys = subjectKeys
    }

    /// Reading connections opened next to the writer.
    static let readerCount = 4

    /// Opens (creating if needed) the database file at `path`, configures it and applies pending migrations (unless
    /// `migrating` is false: then a file behind them is refused). `observer` hears of every committed creation and
    /// change (metrics count from it).
    /// `subjectKeys` seal subject ids and emails; nil takes the key file beside the database
    /// (``subjectKeyFile(for:)``), generated on first open when `migrating`.
    package static func open(
        path: String, logger: Logger, observer: ChangeObserver? = nil, migrations: [Migration] = SQLiteMigration.all,
        migrating: Bool = true, subjectKeys: SubjectKeys? = nil
    ) async throws -> SQLiteRequestStore {
        // A new database starts 0600 (its WAL and shared memory follow); where it cannot be made, SQLite says why.
        if migrating { try? PrivateFiles.createFileIfMissing(atPath: path) }
        let connection = try await SQLiteConnection.open(path: path)
        var readers: [SQLiteConnection] = []
        let keys: SubjectKeys?
        do {
            keys = try subjectKeys ?? besideDatabase(path, generating: migrating)
            try await configure(connection)
            try await SQLiteMigrator.migrate(connection, migrations: migrations, migrating: migrating, logger: logger)
            if migrations.contains(where: { $0.version == SQLiteMigration.subjectSealing }) {
                try await prepareSubjects(keys, sealing: migrating, on: connection)
            }
            for _ in 0..<readerCount {
                let reader = try await SQLiteConnection.open(path: path)
                readers.append(reader)
                _ = try await reader.query("PRAGMA query_only = ON")
            }
        } catch {
            for reader in readers { try? await reader.close() }
            try? await connection.close()
            throw error
        }
        logger.debug("Opened request store", metadata: ["db.engine": "sqlite"])
        return SQLiteRequestStore(
            connection: connection, readers: readers, logger: logger, observer: observer, subjectKeys: keys)
    }

    /// The subject key file of the database at `path`.
    package static func subjectKeyFile(for path: String) -> String { path + ".subject-key" }

    /// The key file's keys; nil when it does not exist and may not be made (a read-only open).
    private static func besideDatabase(_ path: String, generating: Bool) throws -> SubjectKeys? {
        do throws(SubjectKeyError) {
            return try SubjectKeys.load(
                configured: nil, previous: [], keyFile: subjectKeyFile(for: path), generating: generating
            ).keys
        } catch .noKey {
            return nil
        } catch {
            throw error
        }
    }

    private static func configure(_ connection: SQLiteConnection) async throws {
        let mode = try await connection.query("PRAGMA journal_mode = WAL")
        guard try mode.first.map({ try SQLiteRowReader(row: $0).text("journal_mode") }) == "wal" else {
            throw StoreError(code: .walUnavailable)
        }
        // FULL: a commit returns once the WAL is on the disk (fsync), so a 202 survives a power cut or a kernel panic,
        // not only a killed process. Group commit makes one fsync carry a whole group of creations; the cost was
        // measured against NORMAL (docs/performance.md).
        _ = try await connection.query("PRAGMA synchronous = FULL")
        _ = try await connection.query("PRAGMA foreign_keys = ON")
    }

    /// Waits for operations in flight, then closes the connection; later calls throw ``StoreError/Code/closed``.
    package func close() async throws {
        for reader in readers { try await reader.close() }
        try await gate.withLock {
            guard !connection.isClosed else { return }
            try await connection.close()
            logger.debug("Closed request store", metadata: ["db.engine": "sqlite"])
        }
    }

    /// The version of the newest migration this build knows.
    package static var latestSchemaVersion: Int { SQLiteMigration.all.last?.version ?? 0 }

    /// Every migration of this engine, for tests that play an older or newer release.
    package static var migrations: [Migration] { SQLiteMigration.all }

    /// The newest migration applied to the file.
    package func schemaVersion() async throws -> Int {
        try await exclusive { try await SQLiteMigrator.standing($0).version }
    }

    /// Runs `body` with the connection while no other task uses it.
    func exclusive<T>(_ body: (SQLiteConnection) async throws -> T) async throws -> T {
        try await gate.withLock {
            guard !connection.isClosed else { throw StoreError(code: .closed) }
            return try await unavailableOnDiskTrouble { try await body(connection) }
        }
    }

    /// SQLite's "database or disk is full" and I/O errors: the disk, not the request. Reported as
    /// ``StoreError/Code/unavailable`` (a 503 with `Retry-After`, an unhealthy `/health`), which clears by itself once
    /// space returns; nothing was written (the transaction rolled back whole).
    private func unavailableOnDiskTrouble<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as SQLiteError where Self.diskTrouble.contains(error.reason) {
            logger.error("database write failed: disk full or unwritable", metadata: ["db.error": "\(error.reason)"])
            throw StoreError(code: .unavailable)
        }
    }

    private static let diskTrouble: [SQLiteError.Reason] = [.full, .ioError]

    /// Runs `body` in a write transaction while no other task uses the connection.
    func transaction<T>(_ body: (SQLiteConnection) async throws -> T) async throws -> T {
        try await exclusive { connection in
            try await connection.transaction { try await body(connection) }
        }
    }

    /// One statement on its own (SQLite makes it atomic) while no other task uses the connection.
    func rows(_ sql: String, _ binds: [SQLiteData] = []) async throws -> [SQLiteRow] {
        try await exclusive { try await $0.query(sql, binds) }
    }

    /// One read-only statement on the next reading connection.
    func read(_ sql: String, _ binds: [SQLiteData] = []) async throws -> [SQLiteRow] {
        let index = nextReader.wrappingAdd(1, ordering: .relaxed).oldValue % readers.count
        return try await readers[index].query(sql, binds)
    }
}

/// A reading connection and the gate that keeps its statements one at a time.
final class GatedConnection: Sendable {
    private let connection: SQLiteConnection
    private let gate = AsyncSerialGate()

    init(_ connection: SQLiteConnection) {
        self.connection = connection
    }

    func query(_ sql: String, _ binds: [SQLiteData]) async throws -> [SQLiteRow] {
        try await gate.withLock {
            guard !connection.isClosed else { throw StoreError(code: .closed) }
            return try await connection.query(sql, binds)
        }
    }

    func close() async throws {
        try await gate.withLock { if !connection.isClosed { try await connection.close() } }
    }
}

extension SQLiteRequestStore {
    /// The keys writes seal subjects with: a store opened without them reads only.
    func writingKeys() throws -> SubjectKeys {
        guard let subjectKeys else { throw StoreError(code: .subjectKeyMissing) }
        return subjectKeys
    }

    /// Refuses a database whose subjects are sealed with a key not in `keys`; then, when `sealing`, records the
    /// current key and seals the subjects stored before they were sealed, a batch per transaction.
    fileprivate static func prepareSubjects(
        _ keys: SubjectKeys?, sealing: Bool, on connection: SQLiteConnection
    ) async throws {
        guard let keys else { return }
        let used = try await connection.query("SELECT id FROM subject_keys").map {
            try SQLiteRowReader(row: $0).text("id")
        }
        guard Set(used).isSubset(of: keys.ids) else { throw StoreError(code: .subjectKeyMissing) }
        guard sealing else { return }
        _ = try await connection.query(
            "INSERT INTO subject_keys (id, added_at) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            [.text(keys.current.id), .date(Date())])
        try await reseal(keys, allKeys: false, on: connection)
    }

    /// Seals afresh the subjects not sealed yet (`allKeys` false) or not sealed with the current key (true), by id, a
    /// batch per transaction after the last, so every row is visited once; returns how many. An erased subject keeps
    /// the keyed hash it had (the hash of "" under the new key would be every erased row's).
    @discardableResult
    fileprivate static func reseal(_ keys: SubjectKeys, allKeys: Bool, on connection: SQLiteConnection) async throws
        -> Int
    {
        let condition =
            allKeys ? "(subject_lookup IS NULL OR subject_customer_id NOT LIKE ?2)" : "subject_lookup IS NULL"
        var (after, count) = ("", 0)
        while true {
            let last = try await connection.transaction { () -> String? in
                let rows = try await connection.query(
                    """
                    SELECT id, subject_customer_id, subject_email FROM requests
                    WHERE \(condition) AND id > ?1 ORDER BY id LIMIT 500
                    """, [.text(after)] + (allKeys ? [.text(keys.currentPattern)] : []))
                for row in rows {
                    let reader = SQLiteRowReader(row: row)
                    let sealed = try keys.resealed(
                        customerId: try reader.text("subject_customer_id"),
                        email: try reader.optionalText("subject_email"), requestID: try reader.id("id"))
                    _ = try await connection.query(
                        """
                        UPDATE requests SET subject_customer_id = ?2, subject_email = ?3,
                            subject_lookup = CASE WHEN subject_erased_at IS NULL THEN ?4 ELSE subject_lookup END
                        WHERE id = ?1
                        """,
                        [
                            .text(try reader.text("id")), .text(sealed.customerId), .text(sealed.email),
                            .text(sealed.lookup),
                        ])
                    try await Self.resealBodies(keys, requestID: try reader.id("id"), on: connection)
                }
                count += rows.count
                return try rows.last.map { try SQLiteRowReader(row: $0).text("id") }
            }
            guard let last else { return count }
            after = last
        }
    }
}

extension SQLiteRequestStore {
    /// Seals the bodies of request `requestID`'s kept calls afresh with the current key, with its subject.
    fileprivate static func resealBodies(_ keys: SubjectKeys, requestID: UUID, on connection: SQLiteConnection)
        async throws
    {
        for column in ProcessorExchange.sealedColumns {
            let kept = try await connection.query(
                "SELECT id, \(column) FROM processor_exchanges WHERE request_id = ?1 AND \(column) IS NOT NULL",
                [.id(requestID)])
            for row in kept {
                let reader = SQLiteRowReader(row: row)
                let body = try keys.resealed(reader.text(column), requestID: requestID, column: column)
                _ = try await connection.query(
                    "UPDATE processor_exchanges SET \(column) = ?2 WHERE id = ?1",
                    [.integer(try reader.integer("id")), .text(body)])
            }
        }
    }

    package func resealSubjects() async throws -> SubjectRotation {
        let keys = try writingKeys()
        return try await exclusive { connection in
            _ = try await connection.query(
                "INSERT INTO subject_keys (id, added_at) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                [.text(keys.current.id), .date(Date())])
            let resealed = try await Self.reseal(keys, allKeys: true, on: connection)
            let remaining =
                try await connection.query(
                    """
                    SELECT (SELECT COUNT(*) FROM requests WHERE subject_customer_id NOT LIKE ?1)
                        + (SELECT COUNT(*) FROM processor_exchanges WHERE sent NOT LIKE ?1 OR answer NOT LIKE ?1) AS n
                    """,
                    [.text(keys.currentPattern)]
                ).first.map { try SQLiteRowReader(row: $0).integer("n") } ?? 0
            guard remaining == 0 else { return SubjectRotation(resealed: resealed, retired: [], remaining: remaining) }
            let retired = try await connection.query(
                "DELETE FROM subject_keys WHERE id != ?1 RETURNING id", [.text(keys.current.id)]
            ).map { try SQLiteRowReader(row: $0).text("id") }
            return SubjectRotation(resealed: resealed, retired: retired.sorted(), remaining: 0)
        }
    }
}
