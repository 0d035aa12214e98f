import Foundation
import SQLiteNIO

extension SQLiteRequestStore: AlertStateStore {
    package func alertStates() async throws -> [StoredAlertState] {
        try await read("SELECT rule, phase, since, value FROM alert_states ORDER BY rule").map { row in
            let reader = SQLiteRowReader(row: row)
            return StoredAlertState(
                rule: try reader.text("rule"), phase: try reader.text("phase"), since: try reader.date("since"),
                value: row.column("value")?.double)
        }
    }

    package func saveAlertStates(_ states: [StoredAlertState]) async throws {
        try await transaction { connection in
            _ = try await connection.query("DELETE FROM alert_states")
            for state in states {
                _ = try await connection.query(
                    "INSERT INTO alert_states (rule, phase, since, value) VALUES (?1, ?2, ?3, ?4)",
                    [
                        .text(state.rule), .text(state.phase), .date(state.since),
                        state.value.map { .float($0) } ?? .null,
                    ])
            }
        }
    }
}
