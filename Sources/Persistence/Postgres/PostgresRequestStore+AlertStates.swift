import Foundation
import PostgresNIO

extension PostgresRequestStore {
    package func alertStates() async throws -> [AlertState] {
        try await read("SELECT rule, phase, since, value, notified_at FROM alert_states ORDER BY rule").map {
            try AlertState(reading: PostgresRowReader(row: $0))
        }
    }

    package func saveAlertStates(
        _ states: [AlertState], notifications: [NewAlertNotification], holder: String, at now: Date
    ) async throws {
        let logger = logger
        try await transaction { connection in
            var lease = PostgresBindings()
            lease.append(holder)
            lease.append(date: now)
            let held = try await connection.rows(
                "SELECT holder FROM alert_lease WHERE id = 1 AND holder = $1 AND expires_at > $2 FOR UPDATE", lease,
                logger: logger)
            guard !held.isEmpty else { throw AlertLeaseLostError() }
            try await connection.rows("DELETE FROM alert_states", logger: logger)
            for state in states {
                var binds = PostgresBindings()
                binds.append(state.rule)
                binds.append(value: state.phase)
                binds.append(date: state.since)
                binds.append(state.value)
                binds.append(date: state.notifiedAt)
                try await connection.rows(
                    "INSERT INTO alert_states (rule, phase, since, value, notified_at) VALUES ($1, $2, $3, $4, $5)",
                    binds, logger: logger)
            }
            for notification in notifications {
                var binds = PostgresBindings()
                binds.append(notification.route)
                binds.append(notification.dedupKey)
                binds.append(notification.content)
                binds.append(date: now)
                try await connection.rows(
                    """
                    INSERT INTO alert_notifications (route, dedup_key, content, created_at, next_attempt_at)
                    VALUES ($1, $2, $3, $4, $4)
                    """, binds, logger: logger)
            }
        }
    }

    /// Claims with `FOR UPDATE SKIP LOCKED`, so instances delivering the same route never take the same row.
    package func claimDueAlertNotification(
        route: String, at now: Date, claimUntil: Date
    ) async throws -> QueuedAlertNotification? {
        var binds = PostgresBindings()
        binds.append(route)
        binds.append(date: now)
        binds.append(date: claimUntil)
        let rows = try await write(
            """
            UPDATE alert_notifications SET next_attempt_at = $3
            WHERE id = (
                SELECT id FROM alert_notifications AS n
                WHERE status = 'pending' AND route = $1 AND next_attempt_at <= $2
                  AND NOT EXISTS (
                    SELECT 1 FROM alert_notifications AS earlier
                    WHERE earlier.status = 'pending' AND earlier.route = n.route AND earlier.dedup_key = n.dedup_key
                      AND earlier.id < n.id)
                ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
            )
            RETURNING id, route, dedup_key, content, attempts, created_at
            """, binds)
        guard let row = rows.first else { return nil }
        let reader = PostgresRowReader(row: row)
        return QueuedAlertNotification(
            id: Int64(try reader.integer("id")), route: try reader.text("route"),
            dedupKey: try reader.text("dedup_key"),
            content: try reader.text("content"), attempts: try reader.integer("attempts"),
            createdAt: try reader.date("created_at"), claimedUntil: claimUntil)
    }

    package func recordAlertDelivery(
        _ claim: QueuedAlertNotification, outcome: AlertDeliveryOutcome, at now: Date
    ) async throws {
        let (status, next, error) = outcome.stored
        var binds = PostgresBindings()
        binds.append(status)
        binds.append(date: next)
        binds.append(date: now)
        binds.append(error)
        binds.append(claim.id)
        binds.append(date: claim.claimedUntil)
        try await write(
            """
            UPDATE alert_notifications
            SET status = $1, attempts = attempts + 1, next_attempt_at = COALESCE($2, next_attempt_at),
                finished_at = CASE WHEN $1 = 'pending' THEN NULL ELSE $3 END, last_error = $4
            WHERE id = $5 AND status = 'pending' AND next_attempt_at = $6
            """, binds)
    }

    package func deleteFinishedAlertNotifications(before date: Date) async throws {
        var binds = PostgresBindings()
        binds.append(date: date)
        try await write("DELETE FROM alert_notifications WHERE status <> 'pending' AND finished_at < $1", binds)
    }

    package func pendingAlertNotificationCount() async throws -> Int {
        let rows = try await read("SELECT COUNT(*) AS pending FROM alert_notifications WHERE status = 'pending'")
        return try rows.first.map { try PostgresRowReader(row: $0).integer("pending") } ?? 0
    }

    package func acquireAlertLease(holder: String, until: Date, at now: Date) async throws -> AlertLease {
        let logger = logger
        return try await transaction { connection in
            var mine = PostgresBindings()
            mine.append(holder)
            mine.append(date: now)
            let renewing = try await connection.rows(
                "SELECT holder FROM alert_lease WHERE id = 1 AND holder = $1 AND expires_at > $2", mine,
                logger: logger)
            var binds = PostgresBindings()
            binds.append(holder)
            binds.append(date: until)
            binds.append(date: now)
            // The row is taken when free, expired or still ours.
            let taken = try await connection.rows(
                """
                INSERT INTO alert_lease (id, holder, expires_at) VALUES (1, $1, $2)
                ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                WHERE alert_lease.holder = excluded.holder OR alert_lease.expires_at <= $3
                RETURNING holder
                """, binds, logger: logger)
            return taken.isEmpty ? .heldByAnother : renewing.isEmpty ? .taken : .renewed
        }
    }

    package func releaseAlertLease(holder: String) async throws {
        var binds = PostgresBindings()
        binds.append(holder)
        try await write("DELETE FROM alert_lease WHERE holder = $1", binds)
    }
}
