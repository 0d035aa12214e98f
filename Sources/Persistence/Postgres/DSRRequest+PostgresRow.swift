import AuditLog
import DSRCore
import Foundation
import PostgresNIO

extension DSRRequest {
    /// The values of the columns, in order, the subject sealed with `keys`; the update binds these.
    func postgresBinds(keys: SubjectKeys) -> PostgresBindings {
        var binds = PostgresBindings(capacity: Self.storedColumns.count)
        appendValues(to: &binds, keys: keys)
        return binds
    }

    /// Appends the values of the columns, in order, the subject sealed with `keys`: one row of an insert.
    func appendValues(to binds: inout PostgresBindings, keys: SubjectKeys) {
        binds.append(id: id)
        binds.append(value: regulation)
        binds.append(value: type)
        binds.append(value: source)
        binds.append(value: state)
        binds.append(keys.seal(subject.customerId, requestID: id, column: "subject_customer_id"))
        binds.append(subject.email.map { keys.seal($0, requestID: id, column: "subject_email") })
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
        binds.append(processor.follows?.uuidString.lowercased())
        binds.append(principal)
        binds.append(value: resolution?.outcome)
        binds.append(resolution?.reason)
        binds.append(date: resolution?.at)
        binds.append(resolution?.principal)
        binds.append(deadlineExtension?.reason)
        binds.append(date: deadlineExtension?.at)
        binds.append(deadlineExtension?.principal)
        binds.append(date: deadlineExtension?.previousDeadline)
        binds.append(date: queuedAt)
        binds.append(date: subjectErasedAt)
        binds.append(keys.lookup(customerId: subject.customerId))
    }

    /// The request with id `$1`.
    static let postgresSelectByID = "SELECT \(storedColumnList) FROM requests WHERE id = $1"

    /// The request with id `$1` and its trail.
    static let postgresSelectWithTrail = selectWithTrail(parameter: "$1")

    /// The request that made an insert skip: the one with id `$1`, else the one with idempotency key `$2`.
    static let postgresSelectConflicting = """
        SELECT \(storedColumnList) FROM requests
        WHERE id = $1 OR idempotency_key = $2 ORDER BY id = $1 DESC LIMIT 1
        """

    /// Inserts `count` requests (the columns' values each, in order) in one statement, skipping any whose id or
    /// idempotency key exists, an earlier row's of the same statement included; returns the ids of those inserted.
    static func postgresInsertMany(_ count: Int) -> String {
        """
        INSERT INTO requests (\(storedColumnList))
        VALUES \(placeholderRows(count, columns: storedColumns.count, marker: "$"))
        ON CONFLICT DO NOTHING
        RETURNING id
        """
    }

    /// Rewrites every column but the id (`$1`) and returns the stored row.
    static let postgresUpdate = """
        UPDATE requests
        SET \(updateAssignments { "$\($0)" })
        WHERE id = $1
        RETURNING \(storedColumnList)
        """

    /// Decodes a row selected with ``storedColumnList``.
    init(postgresRow row: PostgresRow) throws {
        try self.init(reading: PostgresRowReader(row: row))
    }
}

extension AuditEntry {
    /// The statement that appends `count` entries to the trail in one go, in order: their values (each entry's from
    /// ``postgresBinds(_:)``) follow one another. They take the audit log's next positions when the transaction commits
    /// (a deferred trigger moves them from `audit_pending` to `audit_entries`, docs/compliance.md): the log's row is
    /// locked only for the commit itself, not across this instance's round trips, so positions still follow commit
    /// order and a committed size never covers an entry still being written.
    static func postgresInsertSQL(_ count: Int) -> String {
        """
        INSERT INTO audit_pending
            (request_id, at, actor, event, from_state, to_state, detail, principal, evidence, leaf_hash, seals)
        VALUES \(placeholderRows(count, columns: 11, marker: "$"))
        """
    }

    /// The values of `entries` (each with its request's id) for ``postgresInsertSQL(_:)``.
    static func postgresBinds(_ entries: [(entry: AuditEntry, requestID: UUID)]) -> PostgresBindings {
        var binds = PostgresBindings(capacity: entries.count * 11)
        for (index, item) in entries.enumerated() {
            item.entry.appendValues(to: &binds, requestID: item.requestID)
            // The first row marks the statement for the commit trigger (`seals`), so it fires once, not per entry.
            binds.append(index == 0)
        }
        return binds
    }

    /// The entry's values, appended to `binds`: the request id, the other columns in order, then the leaf hash.
    private func appendValues(to binds: inout PostgresBindings, requestID: UUID) {
        binds.append(id: requestID)
        binds.append(date: at)
        binds.append(value: actor)
        binds.append(value: event)
        binds.append(value: fromState)
        binds.append(value: toState)
        binds.append(detail)
        binds.append(principal)
        binds.append(evidence)
        binds.append(ByteBuffer(bytes: AuditLeaf.hash(requestID: requestID, entry: self)))
    }
}
