import Foundation
import EmbeddedSQLite

extension SQLiteRequestStore: AlertStateStore {
    package func alertStates() async throws -> [AlertState] {
        try await read("SELECT rule, phase, since, value, notified_at FROM alert_states ORDER BY rule").map {
            try AlertState(reading: SQLiteRowReader(row: $0))
        }
    }

    package func saveAlertStates(
        _ states: [AlertState], notifications: [NewAlertNotification], holder: String, at now: Date
    ) async throws {
        try await transaction { connection in
            let held = try await connection.query(
                "SELECT holder FROM alert_lease WHERE id = 1 AND holder = ?1 AND expires_at > ?2",
                [.text(holder), .date(now)])
            guard !held.isEmpty else { throw AlertLeaseLostError() }
            _ = try await connection.query("DELETE FROM alert_states")
            for state in states {
                _ = try await connection.query(
                    "INSERT INTO alert_states (rule, phase, since, value, notified_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                    [
                        .text(state.rule), .value(state.phase), .date(state.since),
                        state.value.map { .float($0) } ?? .null, .date(state.notifiedAt),
                    ])
            }
            for notification in notifications {
                _ = try await connection.query(
                    """
                    INSERT INTO alert_notifications (route, dedup_key, content, created_at, next_attempt_at)
                    VALUES (?1, ?2, ?3, ?4, ?4)
                    """,
                    [.text(notification.route), .text(notification.dedupKey), .text(notification.content), .date(now)])
            }
        }
    }

    package func claimDueAlertNotification(
        route: String, at now: Date, claimUntil: Date
    ) async throws -> QueuedAlertNotification? {
        // Nearly always nothing is due: found out on a reader, without taking the writer for a transaction.
        let due = """
            SELECT id, route, dedup_key, content, attempts, created_at FROM alert_notifications AS n
            WHERE status = 'pending' AND route = ?1 AND next_attempt_at <= ?2
              AND NOT EXISTS (
                SELECT 1 FROM alert_notifications AS earlier
                WHERE earlier.status = 'pending' AND earlier.route = n.route AND earlier.dedup_key = n.dedup_key
                  AND earlier.id < n.id)
            ORDER BY id LIMIT 1
            """
        guard try await !read(due, [.text(route), .date(now)]).isEmpty else { return nil }
        return try await transaction { connection in
            guard let row = try await connection.query(due, [.text(route), .date(now)]).first else { return nil }
            let reader = SQLiteRowReader(row: row)
            let claimed = QueuedAlertNotification(
                id: Int64(try reader.integer("id")), route: try reader.text("route"),
                dedupKey: try reader.text("dedup_key"), content: try reader.text("content"),
                attempts: try reader.integer("attempts"), createdAt: try reader.date("created_at"),
                claimedUntil: claimUntil)
            _ = try await connection.query(
                "UPDATE alert_notifications SET next_attempt_at = ?1 WHERE id = ?2",
                [.date(claimUntil), .integer(Int(claimed.id))])
            return claimed
        }
    }

    package func recordAlertDelivery(
        _ claim: QueuedAlertNotification, outcome: AlertDeliveryOutcome, at now: Date
    ) async throws {
        let (status, next, error) = outcome.stored
        _ = try await rows(
            """
            UPDATE alert_notifications
            SET status = ?1, attempts = attempts + 1, next_attempt_at = COALESCE(?2, next_attempt_at),
                finished_at = CASE WHEN ?1 = 'pending' THEN NULL ELSE ?3 END, last_error = ?4
            WHERE id = ?5 AND status = 'pending' AND next_attempt_at = ?6
            """,
            [
                .text(status), .date(next), .date(now), .text(error), .integer(Int(claim.id)),
                .date(claim.claimedUntil),
            ])
    }

    package func deleteFinishedAlertNotifications(before date: Date) async throws {
        _ = try await rows(
            "DELETE FROM alert_notifications WHERE status <> 'pending' AND finished_at < ?1", [.date(date)])
    }

    package func pendingAlertNotificationCount() async throws -> Int {
        let rows = try await read("SELECT COUNT(*) AS pending FROM alert_notifications WHERE status = 'pending'")
        return try rows.first.map { try SQLiteRowReader(row: $0).integer("pending") } ?? 0
    }

    package func acquireAlertLease(holder: String, until: Date, at now: Date) async throws -> AlertLease {
        try await transaction { connection in
            let renewing = try await connection.query(
                "SELECT holder FROM alert_lease WHERE id = 1 AND holder = ?1 AND expires_at > ?2",
                [.text(holder), .date(now)])
            // The row is taken when free, expired or still ours (PostgreSQL reads the same statement, $n binds).
            let taken = try await connection.query(
                """
                INSERT INTO alert_lease (id, holder, expires_at) VALUES (1, ?1, ?2)
                ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                WHERE alert_lease.holder = excluded.holder OR alert_lease.expires_at <= ?3
                RETURNING holder
                """, [.text(holder), .date(until), .date(now)])
            return taken.isEmpty ? .heldByAnother : renewing.isEmpty ? .taken : .renewed
        }
    }

    package func releaseAlertLease(holder: String) async throws {
        _ = try await rows("DELETE FROM alert_lease WHERE holder = ?1", [.text(holder)])
    }
}
