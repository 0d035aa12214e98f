import Logging
import Persistence
import EmbeddedSQLite
import Testing
import TestSupport

/// The storage engines the contract suite runs against, every run: SQLite on a temporary file, PostgreSQL on a
/// database of its own on the server `./scripts/test` starts.
enum StoreEngine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// Runs `body` with a new, empty database of this engine, deleted afterwards.
    func withDatabase(_ body: (TestDatabase) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            try await TemporaryDatabase.with { try await body(TestDatabase(engine: self, location: $0.path)) }
        case .postgres:
            try await TestPostgres.withDatabase { try await body(TestDatabase(engine: self, location: "\($0)")) }
        }
    }

    /// Runs `body` with a store on a new, empty database, closed and deleted afterwards.
    func withStore(_ body: (any GatewayStore) async throws -> Void) async throws {
        try await withDatabase { try await $0.withStore(body) }
    }
}

/// One test's own database. Open it as often as the test needs, also several times at once.
struct TestDatabase: Sendable {
    let engine: StoreEngine
    /// The SQLite file, or the PostgreSQL URL.
    let location: String

    /// Runs SQL on the database directly, as someone with access to the file or the server could.
    func execute(_ statements: [String]) async throws {
        switch engine {
        case .sqlite:
            let connection = try await SQLiteConnection.open(path: location)
            do {
                for sql in statements { _ = try await connection.query(sql) }
            } catch {
                try? await connection.close()
                throw error
            }
            try await connection.close()
        case .postgres:
            try await PostgresDatabases.run(statements, on: PostgresURL(location)!, logger: .quiet)
        }
    }

    /// Opens a store on this database, runs `body` and closes the store, also when `body` throws.
    func withStore(_ body: (any GatewayStore) async throws -> Void) async throws {
        let store = try await open()
        do {
            try await body(store)
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }

    /// Opens a store sealing subjects with `subjectKeys` (by default one key for the whole test run).
    func open(
        migrations: [Migration]? = nil, migrating: Bool = true, subjectKeys: SubjectKeys = TestDatabase.subjectKeys
    ) async throws -> any GatewayStore {
        switch engine {
        case .sqlite:
            try await SQLiteRequestStore.open(
                path: location, logger: .quiet, migrations: migrations ?? SQLiteRequestStore.migrations,
                migrating: migrating, subjectKeys: subjectKeys)
        case .postgres:
            // A generous bound: the whole suite runs in parallel on two cores, and some tests queue 50 writers on one
            // row; the 5 s default is for a database that is not shared with a test run.
            try await PostgresRequestStore.open(
                url: PostgresURL(location)!, logger: .quiet, timeLimit: .seconds(30),
                migrations: migrations ?? PostgresRequestStore.migrations, migrating: migrating,
                subjectKeys: subjectKeys)
        }
    }

    /// The subject key of the test run's stores.
    static let subjectKeys = try! SubjectKeys(current: SubjectKeys.generate())
}

extension Logger {
    /// Stores log nothing with subject data, and tests have no use for their migration notes.
    static let quiet = Logger(label: "dsr-gateway.tests") { _ in SwiftLogNoOpLogHandler() }
}
