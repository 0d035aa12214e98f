import DSRCore
import Foundation

/// Typed, checked access to the columns of one stored row, whichever engine it came from: each engine supplies the
/// four primitives, and everything else (instants, ids, enums, required values) is read the same way. A missing or
/// mistyped value becomes a ``StoreError`` that names the column, never the value.
protocol StoreRowReader {
    func optionalText(_ column: String) throws -> String?
    func optionalInteger(_ column: String) throws -> Int?
    func optionalDouble(_ column: String) throws -> Double?
    /// Raw bytes (a BLOB in SQLite, a BYTEA in PostgreSQL).
    func optionalBytes(_ column: String) throws -> [UInt8]?
}

extension StoreRowReader {
    func text(_ column: String) throws -> String {
        try required(optionalText(column), column)
    }

    func integer(_ column: String) throws -> Int {
        try required(optionalInteger(column), column)
    }

    func bytes(_ column: String) throws -> [UInt8] {
        try required(optionalBytes(column), column)
    }

    /// Instants are stored as the `Double` inside a `Date` (seconds since 2001), so they read back equal.
    func optionalDate(_ column: String) throws -> Date? {
        try optionalDouble(column).map { Date(timeIntervalSinceReferenceDate: $0) }
    }

    func date(_ column: String) throws -> Date {
        try required(optionalDate(column), column)
    }

    /// A request id as stored: the lowercase OpenDSR spelling.
    func id(_ column: String) throws -> UUID {
        try required(UUID(uuidString: try text(column)), column)
    }

    func optionalValue<Value: RawRepresentable<String>>(_ column: String) throws -> Value? {
        guard let raw = try optionalText(column) else { return nil }
        guard let value = Value(rawValue: raw) else { throw StoreError(code: .unknownValue, column: column) }
        return value
    }

    func value<Value: RawRepresentable<String>>(_ column: String) throws -> Value {
        try required(optionalValue(column), column)
    }

    private func required<T>(_ value: T?, _ column: String) throws -> T {
        guard let value else { throw StoreError(code: .corruptRow, column: column) }
        return value
    }
}

extension DSRRequest {
    /// The `requests` columns, in the order both engines bind them (the id first).
    static let storedColumns = [
        "id", "regulation", "type", "source", "state", "subject_customer_id", "subject_email", "received_at",
        "deadline", "processor_controller_id", "processor_expected_completion", "processor_results_url",
        "processor_received_time", "result_location", "attempts", "last_error", "next_attempt_at",
        "idempotency_key", "updated_at", "results_status", "result_attempts", "result_stored_at",
        "attributes_status", "attributes_attempts", "attributes_next_attempt_at", "processor_follows",
        "principal", "resolution_outcome", "resolution_reason", "resolved_at", "resolved_by", "extension_reason",
        "extended_at", "extended_by", "deadline_before_extension", "queued_at", "subject_erased_at", "subject_lookup",
    ]

    /// `SET` assignments of every column but the id, with `placeholder(n)` for the n-th bind (1-based). The keyed hash
    /// is set once: a subject erased later keeps the hash it was stored with.
    static func updateAssignments(_ placeholder: (Int) -> String) -> String {
        storedColumns.indices.dropFirst().map { index in
            let column = storedColumns[index]
            return column == "subject_lookup"
                ? "\(column) = COALESCE(\(column), \(placeholder(index + 1)))"
                : "\(column) = \(placeholder(index + 1))"
        }.joined(separator: ", ")
    }

    /// SQL for ``DSRRequest/owesSubject``: the requests the deadline watch keeps.
    static let owedCondition = """
        resolution_outcome IS NULL AND (
            state IN ('\(RequestState.awaitingApproval.rawValue)', '\(RequestState.queued.rawValue)', \
        '\(RequestState.pending.rawValue)', \
        '\(RequestState.inProgress.rawValue)', '\(RequestState.failed.rawValue)')
            OR (state = '\(RequestState.completed.rawValue)' AND type <> '\(RequestType.erasure.rawValue)'
                AND (results_status IS NULL OR results_status NOT IN ('\(ResultsStatus.stored.rawValue)', \
        '\(ResultsStatus.noData.rawValue)', '\(ResultsStatus.deleted.rawValue)'))))
        """

    /// Requests whose subject `privacy.retain_subject_days` has run out for (``RequestStore/subjectsDueForErasure``),
    /// with the cutoff as `cutoff` and the limit as `limit`.
    static func dueForErasure(cutoff: String, limit: String) -> String {
        """
        SELECT id FROM requests
        WHERE subject_erased_at IS NULL AND state IN ('\(RequestState.completed.rawValue)', \
        '\(RequestState.cancelled.rawValue)', '\(RequestState.failed.rawValue)')
            AND updated_at < \(cutoff) AND NOT (\(owedCondition))
        ORDER BY updated_at LIMIT \(limit)
        """
    }

    /// The column list for `SELECT` and `RETURNING`.
    static let storedColumnList = storedColumns.joined(separator: ", ")

    /// Decodes a row selected with ``storedColumnList``.
    init(reading reader: some StoreRowReader) throws {
        let id = try reader.id("id")
        self.init(
            id: id,
            regulation: try reader.value("regulation"),
            type: try reader.value("type"),
            subject: SubjectIdentity(
                customerId: try SubjectKeys.reveal(
                    try reader.text("subject_customer_id"), requestID: id, column: "subject_customer_id"),
                email: try reader.optionalText("subject_email").map {
                    try SubjectKeys.reveal($0, requestID: id, column: "subject_email")
                }),
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
            receivedTime: try reader.optionalDate("processor_received_time"),
            follows: try reader.optionalText("processor_follows").flatMap(UUID.init(uuidString:))
        )
        attempts = try reader.integer("attempts")
        lastError = try reader.optionalText("last_error")
        nextAttemptAt = try reader.optionalDate("next_attempt_at")
        updatedAt = try reader.date("updated_at")
        principal = try reader.optionalText("principal")
        queuedAt = try reader.optionalDate("queued_at")
        subjectErasedAt = try reader.optionalDate("subject_erased_at")
        if let outcome: ResolutionOutcome = try reader.optionalValue("resolution_outcome") {
            resolution = Resolution(
                outcome: outcome, reason: try reader.optionalText("resolution_reason") ?? "",
                at: try reader.date("resolved_at"), principal: try reader.optionalText("resolved_by"))
        }
        if let reason = try reader.optionalText("extension_reason") {
            deadlineExtension = DeadlineExtension(
                reason: reason, at: try reader.date("extended_at"), principal: try reader.optionalText("extended_by"),
                previousDeadline: try reader.date("deadline_before_extension"))
        }
        results = ResultsRecord(
            status: try reader.optionalValue("results_status"), location: try reader.optionalText("result_location"),
            storedAt: try reader.optionalDate("result_stored_at"), attempts: try reader.integer("result_attempts"))
        erasureAttributes = ErasureAttributesRecord(
            status: try reader.optionalValue("attributes_status"), attempts: try reader.integer("attributes_attempts"),
            nextAttemptAt: try reader.optionalDate("attributes_next_attempt_at"))
    }
}

extension RequestState {
    /// Requests per state, in rows of `state` and `count`.
    static let countQuery = "SELECT state, COUNT(*) AS count FROM requests GROUP BY state"

    /// Every state with its count from ``countQuery``'s rows, zero for states no request is in.
    static func counts(_ rows: [some StoreRowReader]) throws -> [RequestState: Int] {
        var counts = Dictionary(uniqueKeysWithValues: allCases.map { ($0, 0) })
        for row in rows { counts[try row.value("state") as RequestState] = try row.integer("count") }
        return counts
    }
}

extension AlertState {
    /// Decodes a row of `alert_states` (`rule, phase, since, value, notified_at`).
    init(reading reader: some StoreRowReader) throws {
        self.init(
            rule: try reader.text("rule"), phase: try reader.value("phase"), since: try reader.date("since"),
            value: try reader.optionalDouble("value"), notifiedAt: try reader.optionalDate("notified_at"))
    }
}

extension DSRRequest {
    /// The request with id `parameter` and its trail, oldest first, in one statement: a row per audit entry (or one
    /// row without one), each carrying the request's columns. Both engines' spelling of the parameter fits.
    static func selectWithTrail(parameter: String) -> String {
        """
        SELECT \(storedColumns.map { "r.\($0)" }.joined(separator: ", ")),
               a.at, a.actor, a.event, a.from_state, a.to_state, a.detail, a.principal AS audit_principal,
               a.evidence
        FROM requests r LEFT JOIN audit_entries a ON a.request_id = r.id
        WHERE r.id = \(parameter) ORDER BY a.id
        """
    }

    /// Decodes the rows of ``selectWithTrail(parameter:)``: nil when there are none (an unknown id).
    static func withTrail(reading rows: [some StoreRowReader]) throws -> (request: DSRRequest, trail: [AuditEntry])? {
        guard let first = rows.first else { return nil }
        var trail: [AuditEntry] = []
        for row in rows where try row.optionalText("event") != nil {
            trail.append(try AuditEntry(reading: row))
        }
        return (try DSRRequest(reading: first), trail)
    }
}

extension AuditEntry {
    /// Decodes a row of `audit_entries` (`at, actor, event, from_state, to_state, detail, evidence`, and `principal`
    /// as `audit_principal`).
    init(reading reader: some StoreRowReader) throws {
        self.init(
            at: try reader.date("at"), actor: try reader.value("actor"), event: try reader.value("event"),
            fromState: try reader.optionalValue("from_state"), toState: try reader.optionalValue("to_state"),
            detail: try reader.optionalText("detail"), principal: try reader.optionalText("audit_principal"),
            evidence: try reader.optionalText("evidence"))
    }
}
