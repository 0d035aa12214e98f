import EmbeddedSQLite

extension SQLiteConnection {
    /// Runs `body` between `BEGIN IMMEDIATE` and `COMMIT`, rolling back and rethrowing if anything throws.
    ///
    /// `IMMEDIATE` takes the write lock up front, so a second process on the same file waits at `BEGIN` (up to
    /// `SQLiteConnection.busyTimeoutMilliseconds`) instead of failing half-way. Callers serialise use of the connection
    /// themselves.
    func transaction<T>(_ body: () async throws -> T) async throws -> T {
        _ = try await query("BEGIN IMMEDIATE")
        do {
            let result = try await body()
            _ = try await query("COMMIT")
            return result
        } catch {
            // ROLLBACK only fails when SQLite has already rolled back on its own; the first error is the story.
            _ = try? await query("ROLLBACK")
            throw error
        }
    }
}
