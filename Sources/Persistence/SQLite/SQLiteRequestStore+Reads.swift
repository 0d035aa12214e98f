import DSRCore
import Foundation
import EmbeddedSQLite

extension SQLiteRequestStore {
    package func request(id: UUID) async throws -> DSRRequest? {
        try await read(DSRRequest.sqliteSelectByID, [.id(id)]).first.map(DSRRequest.init(sqliteRow:))
    }

    package func requestWithTrail(id: UUID) async throws -> (request: DSRRequest, trail: [AuditEntry])? {
        try DSRRequest.withTrail(
            reading: try await read(DSRRequest.sqliteSelectWithTrail, [.id(id)]).map(SQLiteRowReader.init))
    }

    /// Newest `receivedAt` first (ties by id, descending). An empty `states` set matches nothing.
    package func list(states: Set<RequestState>?, submittedBy principal: String?, limit: Int) async throws
        -> [DSRRequest]
    {
        // SQLite reads a negative LIMIT as "no limit".
        guard limit > 0, states?.isEmpty != true else { return [] }
        var sql = "SELECT \(DSRRequest.storedColumnList) FROM requests WHERE TRUE"
        var binds: [SQLiteData] = []
        if let states {
            binds = states.map { .value($0) }
            sql += " AND state IN (\(Self.placeholders(binds.count)))"
        }
        if let principal {
            binds.append(.text(principal))
            sql += " AND principal = ?\(binds.count)"
        }
        binds.append(.integer(limit))
        sql += " ORDER BY received_at DESC, id DESC LIMIT ?\(binds.count)"
        return try await read(sql, binds).map(DSRRequest.init(sqliteRow:))
    }

    /// Uses the index `requests_at_risk`.
    package func inProgressAtProcessor(customerId: String, type: RequestType) async throws -> [DSRRequest] {
        let lookups = try writingKeys().lookups(customerId: customerId)
        let hashes = (4..<4 + lookups.count).map { "?\($0)" }.joined(separator: ", ")
        let sql = """
            SELECT \(DSRRequest.storedColumnList) FROM requests
            WHERE subject_lookup IN (\(hashes)) AND type = ?1 AND state IN (?2, ?3) AND processor_follows IS NULL
            ORDER BY received_at, id
            """
        let binds: [SQLiteData] =
            [.value(type), .value(RequestState.pending), .value(RequestState.inProgress)] + lookups.map { .text($0) }
        return try await read(sql, binds).map(DSRRequest.init(sqliteRow:))
    }

    package func atRisk(deadlineBefore before: Date, limit: Int) async throws -> [DSRRequest] {
        guard limit > 0 else { return [] }
        let sql = """
            SELECT \(DSRRequest.storedColumnList) FROM requests
            WHERE \(DSRRequest.owedCondition) AND deadline < ?1
            ORDER BY deadline, id LIMIT ?2
            """
        return try await read(sql, [.date(before), .integer(limit)]).map(DSRRequest.init(sqliteRow:))
    }

    /// Every state, with zero for states no request is in.
    /// Uses the partial index `requests_subject_retained`.
    package func subjectsDueForErasure(finishedBefore before: Date, limit: Int) async throws -> [UUID] {
        guard limit > 0 else { return [] }
        return try await read(DSRRequest.dueForErasure(cutoff: "?1", limit: "?2"), [.date(before), .integer(limit)])
            .map { try SQLiteRowReader(row: $0).id("id") }
    }

    package func countByState() async throws -> [RequestState: Int] {
        try RequestState.counts(try await read(RequestState.countQuery).map(SQLiteRowReader.init(row:)))
    }

    /// Uses the index `requests_at_risk`.
    package func deadlineCounts(
        at now: Date, atRiskWithin: TimeInterval, imminentWithin: TimeInterval
    ) async throws -> DeadlineCounts {
        let binds: [SQLiteData] = [
            .date(now), .date(now.addingTimeInterval(atRiskWithin)), .date(now.addingTimeInterval(imminentWithin)),
            .date(now.addingTimeInterval(max(atRiskWithin, imminentWithin))),
        ]
        let sql = """
            SELECT COALESCE(SUM(deadline < ?1), 0) AS passed,
                   COALESCE(SUM(deadline >= ?1 AND deadline < ?2), 0) AS at_risk,
                   COALESCE(SUM(deadline < ?3), 0) AS imminent
            FROM requests
            WHERE \(DSRRequest.owedCondition) AND deadline < ?4
            """
        guard let row = try await read(sql, binds).first else {
            return DeadlineCounts(atRisk: 0, imminent: 0, passed: 0)
        }
        let reader = SQLiteRowReader(row: row)
        return DeadlineCounts(
            atRisk: try reader.integer("at_risk"), imminent: try reader.integer("imminent"),
            passed: try reader.integer("passed"))
    }

    /// Uses the index `requests_state_received`.
    package func queueSummary() async throws -> QueueSummary {
        let rows = try await read(
            "SELECT COUNT(*) AS depth, MIN(queued_at) AS oldest FROM requests WHERE state = ?1",
            [.value(RequestState.queued)])
        guard let row = rows.first else { return QueueSummary(depth: 0, oldestQueuedAt: nil) }
        let reader = SQLiteRowReader(row: row)
        return QueueSummary(depth: try reader.integer("depth"), oldestQueuedAt: try reader.optionalDate("oldest"))
    }

    /// `?1, ?2, …, ?count`.
    private static func placeholders(_ count: Int) -> String {
        (1...count).map { "?\($0)" }.joined(separator: ", ")
    }
}
