import DSRCore
import Foundation
import EmbeddedSQLite

extension DSRRequest {
    /// The values of ``storedColumns``, in order, the subject sealed with `keys`; ``sqliteInsertMany(_:)`` (a
    /// row each) and ``sqliteUpdate`` both bind these.
    func sqliteBinds(keys: SubjectKeys) -> [SQLiteData] {
        [
            .id(id), .value(regulation), .value(type), .value(source), .value(state),
            .text(keys.seal(subject.customerId, requestID: id, column: "subject_customer_id")),
            .text(subject.email.map { keys.seal($0, requestID: id, column: "subject_email") }), .date(receivedAt),
            .date(deadline), .text(processor.controllerId),
            .date(processor.expectedCompletionTime), .text(processor.resultsURL), .date(processor.receivedTime),
            .text(results.location), .integer(attempts), .text(lastError), .date(nextAttemptAt),
            .text(idempotencyKey), .date(updatedAt), .value(results.status), .integer(results.attempts),
            .date(results.storedAt), .value(erasureAttributes.status), .integer(erasureAttributes.attempts),
            .date(erasureAttributes.nextAttemptAt), .text(processor.follows?.uuidString.lowercased()),
            .text(principal), .value(resolution?.outcome), .text(resolution?.reason), .date(resolution?.at),
            .text(resolution?.principal), .text(deadlineExtension?.reason), .date(deadlineExtension?.at),
            .text(deadlineExtension?.principal), .date(deadlineExtension?.previousDeadline), .date(queuedAt),
            .date(subjectErasedAt),
            .text(keys.lookup(customerId: subject.customerId)),
        ]
    }

    /// The request with id `?1`.
    static let sqliteSelectByID = "SELECT \(storedColumnList) FROM requests WHERE id = ?1"

    /// The request with id `?1` and its trail.
    static let sqliteSelectWithTrail = selectWithTrail(parameter: "?1")

    /// The request that made an insert skip: the one with id `?1`, else the one with idempotency key `?2`.
    static let sqliteSelectConflicting = """
        SELECT \(storedColumnList) FROM requests
        WHERE id = ?1 OR idempotency_key = ?2 ORDER BY id = ?1 DESC LIMIT 1
        """

    /// Inserts `count` requests (``storedColumns`` each, in order) in one statement, skipping any whose id or
    /// idempotency key exists, an earlier row's of the same statement included; returns the ids of those inserted.
    static func sqliteInsertMany(_ count: Int) -> String {
        """
        INSERT INTO requests (\(storedColumnList))
        VALUES \(placeholderRows(count, columns: storedColumns.count, marker: "?"))
        ON CONFLICT DO NOTHING
        RETURNING id
        """
    }

    /// Rewrites every column but the id (`?1`) and returns the stored row.
    static let sqliteUpdate = """
        UPDATE requests
        SET \(updateAssignments { "?\($0)" })
        WHERE id = ?1
        RETURNING \(storedColumnList)
        """

    /// Decodes a row selected with ``storedColumnList``.
    init(sqliteRow row: SQLiteRow) throws {
        try self.init(reading: SQLiteRowReader(row: row))
    }
}
