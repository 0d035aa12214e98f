import DSRCore
import Foundation
import EmbeddedSQLite

extension SQLiteRequestStore: WorkspaceBudgetLedger {
    /// The file lives on one machine, whose clock is the callers': `now` as given, the latest of a group's (tests move it).
    package func changeWorkspaceBudget<T: Sendable>(
        at now: Date, _ change: @escaping @Sendable (inout WorkspaceBudget, Date) -> T
    ) async throws -> T {
        try await budgetChanges.apply(at: now, change) { now, changes in
            try await self.transaction { connection in
                // The migration that made the table wrote its one row.
                guard let row = try await connection.query("SELECT budget FROM workspace_budget WHERE id = 1").first
                else { throw StoreError(code: .corruptRow, column: "budget") }
                let ((), write) = try WorkspaceBudget.change(
                    stored: SQLiteRowReader(row: row).optionalText("budget"), at: now, changes)
                if let write {
                    _ = try await connection.query(
                        "UPDATE workspace_budget SET budget = ?1 WHERE id = 1", [.text(write)])
                }
            }
        }
    }
}
