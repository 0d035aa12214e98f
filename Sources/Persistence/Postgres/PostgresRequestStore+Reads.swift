import DSRCore
import Foundation
import PostgresNIO

extension PostgresRequestStore {
    package func request(id: UUID) async throws -> DSRRequest? {
        var binds = PostgresBindings()
        binds.append(id: id)
        return try await run(SelectRequest(binds: binds), retrying: true).first.map(DSRRequest.init(postgresRow:))
    }

    package func requestWithTrail(id: UUID) async throws -> (request: DSRRequest, trail: [AuditEntry])? {
        var binds = PostgresBindings()
        binds.append(id: id)
        return try DSRRequest.withTrail(
            reading: try await run(SelectRequestWithTrail(binds: binds), retrying: true).map(PostgresRowReader.init))
    }

    /// Newest `receivedAt` first (ties by id, descending). An empty `states` set matches nothing.
    package func list(states: Set<RequestState>?, submittedBy principal: String?, limit: Int) async throws
        -> [DSRRequest]
    {
        guard limit > 0, states?.isEmpty != true else { return [] }
        var binds = PostgresBindings()
        var sql = "SELECT \(DSRRequest.storedColumnList) FROM requests WHERE TRUE"
        if let states {
            binds.append(states.map(\.rawValue))
            sql += " AND state = ANY($\(binds.count))"
        }
        if let principal {
            binds.append(principal)
            sql += " AND principal = $\(binds.count)"
        }
        binds.append(integer: limit)
        sql += " ORDER BY received_at DESC, id DESC LIMIT $\(binds.count)"
        return try await read(sql, binds).map(DSRRequest.init(postgresRow:))
    }

    package func inProgressAtProcessor(customerId: String, type: RequestType) async throws -> [DSRRequest] {
        var binds = PostgresBindings()
        binds.append(try writingKeys().lookups(customerId: customerId))
        binds.append(value: type)
        binds.append([RequestState.pending, RequestState.inProgress].map(\.rawValue))
        return try await read(
            """
            SELECT \(DSRRequest.storedColumnList) FROM requests
            WHERE subject_lookup = ANY($1) AND type = $2 AND state = ANY($3) AND processor_follows IS NULL
            ORDER BY received_at, id
            """, binds
        ).map(DSRRequest.init(postgresRow:))
    }

    package func atRisk(deadlineBefore before: Date, limit: Int) async throws -> [DSRRequest] {
        guard limit > 0 else { return [] }
        var binds = PostgresBindings()
        binds.append(date: before)
        binds.append(integer: limit)
        return try await read(
            """
            SELECT \(DSRRequest.storedColumnList) FROM requests
            WHERE \(DSRRequest.owedCondition) AND deadline < $1 ORDER BY deadline, id LIMIT $2
            """, binds
        ).map(DSRRequest.init(postgresRow:))
    }

    /// Uses the partial index `requests_subject_retained`.
    package func subjectsDueForErasure(finishedBefore before: Date, limit: Int) async throws -> [UUID] {
        guard limit > 0 else { return [] }
        var binds = PostgresBindings()
        binds.append(date: before)
        binds.append(integer: limit)
        return try await read(DSRRequest.dueForErasure(cutoff: "$1", limit: "$2"), binds).map {
            try PostgresRowReader(row: $0).id("id")
        }
    }

    package func countByState() async throws -> [RequestState: Int] {
        try RequestState.counts(try await read(RequestState.countQuery).map(PostgresRowReader.init(row:)))
    }

    package func deadlineCounts(
        at now: Date, atRiskWithin: TimeInterval, imminentWithin: TimeInterval
    ) async throws -> DeadlineCounts {
        var binds = PostgresBindings()
        binds.append(date: now)
        binds.append(date: now.addingTimeInterval(atRiskWithin))
        binds.append(date: now.addingTimeInterval(imminentWithin))
        binds.append(date: now.addingTimeInterval(max(atRiskWithin, imminentWithin)))
        let rows = try await read(
            """
            SELECT COUNT(*) FILTER (WHERE deadline < $1) AS passed,
                   COUNT(*) FILTER (WHERE deadline >= $1 AND deadline < $2) AS at_risk,
                   COUNT(*) FILTER (WHERE deadline < $3) AS imminent
            FROM requests WHERE \(DSRRequest.owedCondition) AND deadline < $4
            """, binds)
        guard let row = rows.first else { return DeadlineCounts(atRisk: 0, imminent: 0, passed: 0) }
        let reader = PostgresRowReader(row: row)
        return DeadlineCounts(
            atRisk: try reader.integer("at_risk"), imminent: try reader.integer("imminent"),
            passed: try reader.integer("passed"))
    }

    package func queueSummary() async throws -> QueueSummary {
        var binds = PostgresBindings()
        binds.append(value: RequestState.queued)
        let rows = try await read(
            "SELECT COUNT(*) AS depth, MIN(queued_at) AS oldest FROM requests WHERE state = $1", binds)
        guard let row = rows.first else { return QueueSummary(depth: 0, oldestQueuedAt: nil) }
        let reader = PostgresRowReader(row: row)
        return QueueSummary(depth: try reader.integer("depth"), oldestQueuedAt: try reader.optionalDate("oldest"))
    }
}
