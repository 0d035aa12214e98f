import Logging
import Persistence
import Testing
import TestSupport

/// The storage engines the contract suite runs against; PostgreSQL joins when its engine exists.
enum StoreEngine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite

    var testDescription: String { rawValue }

    /// Runs `body` with a new, empty database of this engine, deleted afterwards.
    func withDatabase(_ body: (TestDatabase) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            try await TemporaryDatabase.with { try await body(TestDatabase(engine: self, path: $0.path)) }
        }
    }

    /// Runs `body` with a store on a new, empty database, closed and deleted afterwards.
    func withStore(_ body: (any RequestStore) async throws -> Void) async throws {
        try await withDatabase { try await $0.withStore(body) }
    }
}

/// One test's own database. Open it as often as the test needs, also several times at once.
struct TestDatabase: Sendable {
    let engine: StoreEngine
    let path: String

    /// Opens a store on this database, runs `body` and closes the store, also when `body` throws.
    func withStore(_ body: (any RequestStore) async throws -> Void) async throws {
        let store = try await SQLiteRequestStore.open(path: path, logger: .quiet)
        do {
            try await body(store)
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }
}

extension Logger {
    /// Stores log nothing with subject data, and tests have no use for their migration notes.
    static let quiet = Logger(label: "dsr-gateway.tests") { _ in SwiftLogNoOpLogHandler() }
}
