import Logging

/// Which engine holds the gateway's data, and where: one SQLite file (the embedded default), or a PostgreSQL database
/// several instances share (`store.postgres_url`).
package enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresURL)

    /// Opens and migrates the store; with `migrating` false (read-only commands), opens it only if it is already at
    /// this release's schema (``StoreError/Code/schemaTooOld`` otherwise). `observer` hears of every committed
    /// creation and change. `subjectKeys` seal subjects (SQLite without them: the key file beside the database).
    package func open(
        logger: Logger, observer: ChangeObserver? = nil, migrating: Bool = true, subjectKeys: SubjectKeys? = nil
    ) async throws -> any GatewayStore {
        switch self {
        case .sqlite(let path):
            try await SQLiteRequestStore.open(
                path: path, logger: logger, observer: observer, migrating: migrating, subjectKeys: subjectKeys)
        case .postgres(let url):
            try await PostgresRequestStore.open(
                url: url, logger: logger, observer: observer, migrating: migrating, subjectKeys: subjectKeys)
        }
    }

    /// Where the subject key is kept when `store.encryption_key` is unset: beside the SQLite database; with
    /// PostgreSQL `dsr-gateway-subject.key` in the working directory.
    package var subjectKeyFile: String {
        switch self {
        case .sqlite(let path): SQLiteRequestStore.subjectKeyFile(for: path)
        case .postgres: "dsr-gateway-subject.key"
        }
    }

    /// Opens the store (see ``open(logger:observer:migrating:)``), runs `body` with it and closes it, also when `body`
    /// throws.
    package func withStore<T>(
        logger: Logger, migrating: Bool = true, subjectKeys: SubjectKeys? = nil,
        _ body: (any GatewayStore) async throws -> T
    ) async throws -> T {
        let store = try await open(logger: logger, migrating: migrating, subjectKeys: subjectKeys)
        do {
            let result = try await body(store)
            try await store.close()
            return result
        } catch {
            try? await store.close()
            throw error
        }
    }

    /// For people: the file, or the URL without its password.
    package var description: String {
        switch self {
        case .sqlite(let path): "SQLite \(path)"
        case .postgres(let url): "PostgreSQL \(url)"
        }
    }
}
