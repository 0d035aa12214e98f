import Foundation
import Persistence

/// A fresh directory under the system temporary directory for one test's SQLite file, removed afterwards.
package struct TemporaryDatabase: Sendable {
    /// The directory; ``remove()`` deletes it with everything in it (the database, its WAL and shm files).
    package let directory: URL

    /// The database file inside ``directory``; whoever opens it creates it.
    package var path: String { directory.appendingPathComponent("dsr-gateway.sqlite").path }

    /// Creates a new, empty, uniquely named directory.
    package init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("dsr-gateway-test-\(UUID().uuidString.lowercased())", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Deletes the directory. Close any store on it first.
    package func remove() throws {
        try FileManager.default.removeItem(at: directory)
    }

    /// Runs `body` with a new temporary database and removes it afterwards, also when `body` throws.
    @discardableResult
    package static func with<T>(
        isolation: isolated (any Actor)? = #isolation, _ body: (TemporaryDatabase) async throws -> T
    ) async throws -> T {
        let database = try TemporaryDatabase()
        let result: T
        do {
            result = try await body(database)
        } catch {
            try? database.remove()
            throw error
        }
        try database.remove()
        return result
    }

    /// Runs `body` with a SQLite store on a new temporary database, closed and removed afterwards.
    @discardableResult
    package static func withStore<T>(
        isolation: isolated (any Actor)? = #isolation, _ body: (any GatewayStore) async throws -> T
    ) async throws -> T {
        try await with { database in
            try await StoreLocation.sqlite(path: database.path).withStore(logger: GatewayHarness.quietLogger, body)
        }
    }
}
