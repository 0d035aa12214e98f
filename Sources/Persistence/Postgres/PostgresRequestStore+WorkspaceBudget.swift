import DSRCore
import Foundation
import PostgresNIO

extension PostgresRequestStore {
    /// The fleet's one clock is the database's: `now` is not used. The row is locked for the change, so instances
    /// change the budget one at a time; this instance's concurrent changes go in together (``WorkspaceBudgetChanges``).
    package func changeWorkspaceBudget<T: Sendable>(
        at now: Date, _ change: @escaping @Sendable (inout WorkspaceBudget, Date) -> T
    ) async throws -> T {
        let logger = logger
        return try await budgetChanges.apply(at: now, change) { _, changes in
            try await self.transaction { connection in
                let rows = try await connection.rows(LockWorkspaceBudget(), logger: logger)
                // The migration that made the table wrote its one row.
                guard let row = rows.first else { throw StoreError(code: .corruptRow, column: "budget") }
                let reader = PostgresRowReader(row: row)
                let ((), write) = try WorkspaceBudget.change(
                    stored: reader.optionalText("budget"), at: reader.date("now"), changes)
                if let write {
                    var binds = PostgresBindings()
                    binds.append(write)
                    try await connection.rows(WriteWorkspaceBudget(binds: binds), logger: logger)
                }
            }
        }
    }
}
