import DSRCore
import Foundation
import PostgresNIO

extension DSRRequest {
    /// The `requests` columns (the same as SQLite's), in the order of ``postgresBinds``.
    static let postgresColumnList = sqliteColumnList

    /// The values of the columns, in order; the insert and the update both bind these.
    var postgresBinds: PostgresBindings {
        var binds = PostgresBindings(capacity: Self.sqliteColumns.count)
        binds.append(id: id)
        binds.append(value: regulation)
        binds.append(value: type)
        binds.append(value: source)
        binds.append(value: state)
        binds.append(subject.customerId)
        binds.append(subject.email)
        binds.append(date: receivedAt)
        binds.append(date: deadline)
        binds.append(processor.controllerId)
        binds.append(date: processor.expectedCompletionTime)
        binds.append(processor.resultsURL)
        binds.append(date: processor.receivedTime)
        binds.append(results.location)
        binds.append(integer: attempts)
        binds.append(lastError)
        binds.append(date: nextAttemptAt)
        binds.append(idempotencyKey)
        binds.append(date: updatedAt)
        binds.append(value: results.status)
        binds.append(integer: results.attempts)
        binds.append(date: results.storedAt)
        binds.append(value: erasureAttributes.status)
        binds.append(integer: erasureAttributes.attempts)
        binds.append(date: erasureAttributes.nextAttemptAt)
        return binds
    }

    /// `$1, $2, …` for every column.
    private static let placeholders = sqliteColumns.indices.map { "$\($0 + 1)" }.joined(separator: ", ")

    /// The request with id `$1`.
    static let postgresSelectByID = "SELECT \(postgresColumnList) FROM requests WHERE id = $1"

    /// The request that made an insert skip: the one with id `$1`, else the one with idempotency key `$2`.
    static let postgresSelectConflicting = """
        SELECT \(postgresColumnList) FROM requests
        WHERE id = $1 OR idempotency_key = $2 ORDER BY id = $1 DESC LIMIT 1
        """

    /// Inserts a request unless its id or idempotency key exists; returns the stored row only when inserted.
    static let postgresInsert = """
        INSERT INTO requests (\(postgresColumnList)) VALUES (\(placeholders))
        ON CONFLICT DO NOTHING
        RETURNING \(postgresColumnList)
        """

    /// Rewrites every column but the id (`$1`) and returns the stored row.
    static let postgresUpdate = """
        UPDATE requests
        SET \(sqliteColumns.indices.dropFirst().map { "\(sqliteColumns[$0]) = $\($0 + 1)" }.joined(separator: ", "))
        WHERE id = $1
        RETURNING \(postgresColumnList)
        """

    /// Decodes a row selected with ``postgresColumnList``.
    init(postgresRow row: PostgresRow) throws {
        let reader = PostgresRowReader(row: row)
        self.init(
            id: try reader.id("id"),
            regulation: try reader.value("regulation"),
            type: try reader.value("type"),
            subject: SubjectIdentity(
                customerId: try reader.text("subject_customer_id"),
                email: try reader.optionalText("subject_email")
            ),
            source: try reader.value("source"),
            receivedAt: try reader.date("received_at"),
            deadline: try reader.date("deadline"),
            idempotencyKey: try reader.optionalText("idempotency_key")
        )
        state = try reader.value("state")
        processor = ProcessorFields(
            controllerId: try reader.optionalText("processor_controller_id"),
            expectedCompletionTime: try reader.optionalDate("processor_expected_completion"),
            resultsURL: try reader.optionalText("processor_results_url"),
            receivedTime: try reader.optionalDate("processor_received_time")
        )
        attempts = try reader.integer("attempts")
        lastError = try reader.optionalText("last_error")
        nextAttemptAt = try reader.optionalDate("next_attempt_at")
        updatedAt = try reader.date("updated_at")
        results = ResultsRecord(
            status: try reader.optionalValue("results_status"), location: try reader.optionalText("result_location"),
            storedAt: try reader.optionalDate("result_stored_at"), attempts: try reader.integer("result_attempts"))
        erasureAttributes = ErasureAttributesRecord(
            status: try reader.optionalValue("attributes_status"), attempts: try reader.integer("attributes_attempts"),
            nextAttemptAt: try reader.optionalDate("attributes_next_attempt_at"))
    }
}

extension AuditEntry {
    /// Appends one entry to a request's trail.
    static let postgresInsert = """
        INSERT INTO audit_entries (request_id, at, actor, event, from_state, to_state, detail)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        """

    /// A request's trail (`$1`), oldest first.
    static let postgresSelectTrail = """
        SELECT at, actor, event, from_state, to_state, detail FROM audit_entries WHERE request_id = $1 ORDER BY id
        """

    func postgresBinds(requestID: UUID) -> PostgresBindings {
        var binds = PostgresBindings(capacity: 7)
        binds.append(id: requestID)
        binds.append(date: at)
        binds.append(value: actor)
        binds.append(value: event)
        binds.append(value: fromState)
        binds.append(value: toState)
        binds.append(detail)
        return binds
    }

    init(postgresRow row: PostgresRow) throws {
        let reader = PostgresRowReader(row: row)
        self.init(
            at: try reader.date("at"), actor: try reader.value("actor"), event: try reader.value("event"),
            fromState: try reader.optionalValue("from_state"), toState: try reader.optionalValue("to_state"),
            detail: try reader.optionalText("detail"))
    }
}
