import Foundation
import EmbeddedSQLite

extension SQLiteRequestStore: RefusedCallbackStore {
    /// The insert and the pruning share one `BEGIN IMMEDIATE` transaction.
    package func keepRefusedCallback(_ callback: RefusedCallback, keeping limit: Int) async throws {
        let binds: [SQLiteData] = [
            .date(callback.at), .text(callback.reason), .text(callback.detail), .text(callback.claimedId),
            .text(callback.domain), .text(callback.signature), .blob(callback.body),
            .text(callback.remoteAddress),
        ]
        try await transaction { connection in
            _ = try await connection.query(
                """
                INSERT INTO refused_callbacks (\(RefusedCallback.insertedColumnList))
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                """, binds)
            // SQLite reads a negative LIMIT as "no limit".
            _ = try await connection.query(
                RefusedCallback.pruneStatement(parameter: "?1"), [.integer(max(0, limit))])
        }
    }

    package func refusedCallbacks(limit: Int) async throws -> [RefusedCallback] {
        guard limit > 0 else { return [] }
        return try await read(RefusedCallback.selectNewest(parameter: "?1"), [.integer(limit)]).map {
            try RefusedCallback(reading: SQLiteRowReader(row: $0))
        }
    }
}
