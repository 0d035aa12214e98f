import Foundation
import PostgresNIO

extension PostgresRequestStore {
    /// The insert and the pruning share one transaction, which first locks the table against other keepers (reads go
    /// on): instances keeping at once take turns, so none deletes what another is about to count.
    package func keepRefusedCallback(_ callback: RefusedCallback, keeping limit: Int) async throws {
        let logger = logger
        try await transaction { connection in
            try await connection.rows("LOCK TABLE refused_callbacks IN SHARE ROW EXCLUSIVE MODE", logger: logger)
            var binds = PostgresBindings()
            binds.append(date: callback.at)
            binds.append(callback.reason)
            binds.append(callback.detail)
            binds.append(callback.claimedId)
            binds.append(callback.domain)
            binds.append(callback.signature)
            try binds.append(Data(callback.body))
            binds.append(callback.remoteAddress)
            try await connection.rows(
                """
                INSERT INTO refused_callbacks (\(RefusedCallback.insertedColumnList))
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                """, binds, logger: logger)
            var keep = PostgresBindings()
            keep.append(integer: max(0, limit))
            try await connection.rows(RefusedCallback.pruneStatement(parameter: "$1"), keep, logger: logger)
        }
    }

    package func refusedCallbacks(limit: Int) async throws -> [RefusedCallback] {
        guard limit > 0 else { return [] }
        var binds = PostgresBindings()
        binds.append(integer: limit)
        return try await read(RefusedCallback.selectNewest(parameter: "$1"), binds).map {
            try RefusedCallback(reading: PostgresRowReader(row: $0))
        }
    }
}
