import DSRCore
import Foundation
import SQLiteNIO

extension DSRRequest {
    /// The `requests` columns, in the order of ``sqliteBinds`` (the id first).
    static let sqliteColumns = [
        "id", "regulation", "type", "source", "state", "subject_customer_id", "subject_email", "received_at",
        "deadline", "processor_controller_id", "processor_expected_completion", "processor_results_url",
        "processor_received_time", "result_location", "attempts", "last_error", "next_attempt_at",
        "idempotency_key", "updated_at", "results_status", "result_attempts", "result_stored_at",
        "attributes_status", "attributes_attempts", "attributes_next_attempt_at",
    ]

    /// The column list for `SELECT` and `RETURNING`.
    static let sqliteColumnList = sqliteColumns.joined(separator: ", ")

    /// The values of ``sqliteColumns``, in order; ``sqliteInsert`` and ``sqliteUpdate`` both bind these.
    var sqliteBinds: [SQLiteData] {
        [
            .id(id), .value(regulation), .value(type), .value(source), .value(state), .text(subject.customerId),
            .text(subject.email), .date(receivedAt), .date(deadline), .text(processor.controllerId),
            .date(processor.expectedCompletionTime), .text(processor.resultsURL), .date(processor.receivedTime),
            .text(results.location), .integer(attempts), .text(lastError), .date(nextAttemptAt),
            .text(idempotencyKey), .date(updatedAt), .value(results.status), .integer(results.attempts),
            .date(results.storedAt), .value(erasureAttributes.status), .integer(erasureAttributes.attempts),
            .date(erasureAttributes.nextAttemptAt),
        ]
    }

    /// The request with id `?1`.
    static let sqliteSelectByID = "SELECT \(sqliteColumnList) FROM requests WHERE id = ?1"

    /// The request that made an insert skip: the one with id `?1`, else the one with idempotency key `?2`.
    static let sqliteSelectConflicting = """
        SELECT \(sqliteColumnList) FROM requests
        WHERE id = ?1 OR idempotency_key = ?2 ORDER BY id = ?1 DESC LIMIT 1
        """

    /// Inserts a request unless its id or idempotency key exists; returns the stored row only when inserted.
    static let sqliteInsert = """
        INSERT INTO requests (\(sqliteColumnList))
        VALUES (\(sqliteColumns.indices.map { "?\($0 + 1)" }.joined(separator: ", ")))
        ON CONFLICT DO NOTHING
        RETURNING \(sqliteColumnList)
        """

    /// Rewrites every column but the id (`?1`) and returns the stored row.
    static let sqliteUpdate = """
        UPDATE requests
        SET \(sqliteColumns.indices.dropFirst().map { "\(sqliteColumns[$0]) = ?\($0 + 1)" }.joined(separator: ", "))
        WHERE id = ?1
        RETURNING \(sqliteColumnList)
        """

    /// Decodes a row selected with ``sqliteColumnList``.
    init(sqliteRow row: SQLiteRow) throws {
        let reader = SQLiteRowReader(row: row)
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
