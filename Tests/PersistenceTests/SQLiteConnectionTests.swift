import EmbeddedSQLite
import Testing
import TestSupport

/// The SQLite binding the embedded store stands on: values come back as they were bound, a kept statement gives each
/// call its own binds and rows, and misuse is a typed error rather than a silent partial run.
@Suite struct SQLiteConnectionTests {
    @Test func everyStorageClassRoundTripsThroughAKeptStatement() async throws {
        try await TemporaryDatabase.with { database in
            let connection = try await SQLiteConnection.open(path: database.path)
            _ = try await connection.query("CREATE TABLE t (n INTEGER, r REAL, s TEXT, b BLOB) STRICT")
            let insert = "INSERT INTO t VALUES (?1, ?2, ?3, ?4) RETURNING n, r, s, b"
            let rows: [[SQLiteData]] = [
                [.integer(-7), .float(0.5), .text("é\u{0}\"x"), .blob([0, 255, 1])],
                [.integer(Int.max), .float(-1e300), .text(""), .blob([])],
                [.null, .null, .null, .null],
            ]
            for values in rows {
                // The same text each time: prepared once, reset and re-bound after.
                let answer = try await connection.query(insert, values)
                #expect(answer.count == 1)
                #expect(["n", "r", "s", "b"].map { answer[0].column($0) } == values)
            }
            let all = try await connection.query("SELECT n FROM t ORDER BY rowid")
            #expect(all.map { $0.column("n") } == [.integer(-7), .integer(Int.max), .null])
            #expect(all[0].column("missing") == nil)
            try await connection.close()
        }
    }

    @Test func aWriterWaitsForAnotherConnectionsLockInsteadOfFailing() async throws {
        try await TemporaryDatabase.with { database in
            let holder = try await SQLiteConnection.open(path: database.path)
            let waiter = try await SQLiteConnection.open(path: database.path)
            _ = try await holder.query("CREATE TABLE t (n INTEGER)")
            _ = try await holder.query("BEGIN IMMEDIATE")
            _ = try await holder.query("INSERT INTO t VALUES (1)")
            let started = ContinuousClock.now
            async let inserted = waiter.query("INSERT INTO t VALUES (2)")
            try await Task.sleep(for: .milliseconds(300))
            _ = try await holder.query("COMMIT")
            // Without a busy timeout SQLite would have answered SQLITE_BUSY at once.
            _ = try await inserted
            #expect(ContinuousClock.now - started >= .milliseconds(300))
            #expect(try await waiter.query("SELECT COUNT(*) AS c FROM t").first?.column("c") == .integer(2))
            try await holder.close()
            try await waiter.close()
        }
    }

    @Test func misuseIsATypedErrorAndNothingRunsHalfWay() async throws {
        try await TemporaryDatabase.with { database in
            let connection = try await SQLiteConnection.open(path: database.path)
            _ = try await connection.query("CREATE TABLE t (n INTEGER NOT NULL)")
            // Two statements in one call: refused before the first runs.
            let twice = await #expect(throws: SQLiteError.self) {
                try await connection.query("INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)")
            }
            #expect(twice?.reason == .misuse)
            #expect(try await connection.query("SELECT COUNT(*) AS c FROM t").first?.column("c") == .integer(0))
            let constraint = await #expect(throws: SQLiteError.self) {
                try await connection.query("INSERT INTO t VALUES (?1)", [.null])
            }
            #expect(constraint?.reason == .constraint)
            #expect(constraint?.message.contains("NOT NULL") == true)
            try await connection.close()
            #expect(connection.isClosed)
            let closed = await #expect(throws: SQLiteError.self) { try await connection.query("SELECT 1") }
            #expect(closed?.reason == .misuse)
        }
    }
}
