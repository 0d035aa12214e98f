import DSRCore
import Foundation
import SQLiteNIO

extension SQLiteRequestStore: WorkspaceBudgetLedger {
    /// The file lives on one machine, whose clock is the caller's: `now` is used as given (tests move it).
    package func changeWorkspaceBudget<T: Sendable>(
        at now: Date, _ change: @escaping @Sendable (inout WorkspaceBudget, Date) -> T
    ) async throws -> T {
        try await transaction { connection in
            // The migration that made the table wrote its one row.
            guard let row = try await connection.query("SELECT budget FROM workspace_budget WHERE id = 1").first else {
                throw StoreError(code: .corruptRow, column: "budget")
            }
            let (result, write) = try WorkspaceBudget.change(
                stored: SQLiteRowReader(row: row).optionalText("budget"), at: now, change)
            if let write {
                _ = try await connection.query("UPDATE workspace_budget SET budget = ?1 WHERE id = 1", [.text(write)])
            }
            return result
        }
    }
}
