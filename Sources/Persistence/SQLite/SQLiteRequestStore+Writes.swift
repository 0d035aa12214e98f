import AuditLog
import DSRCore
import Foundation
import EmbeddedSQLite
import Synchronization

extension SQLiteRequestStore {
    /// Inserts the request and its audit entry in one transaction, unless the id or idempotency key exists;
    /// then nothing is written and the existing request is returned (the one with the same id, if both match).
    ///
    /// Group commit: the creation waits for the writer's gate; whoever gets it first inserts every creation waiting
    /// by then in one transaction, so under load one `BEGIN … COMMIT` carries many requests. If that transaction
    /// fails, each creation is retried in a transaction of its own, so one bad row cannot fail the others.
    package func create(_ request: DSRRequest, audit: AuditEntry) async throws -> CreateOutcome {
        let item = PendingCreate(
            request: request, audit: audit, prepared: PreparedCreate(request, audit, try writingKeys()))
        creations.enqueue(item)
        let outcome = try await exclusive { connection in
            try await creations.carry(item) { await Self.insert($0, on: connection) }
        }
        return observed(outcome, audit: audit)
    }

    /// Inserts `batch` in one transaction, or each in its own if that fails; records every item's result.
    private static func insert(_ batch: [PendingCreate<PreparedCreate>], on connection: SQLiteConnection) async {
        do {
            let outcomes = try await connection.transaction {
                var outcomes: [CreateOutcome] = []
                for chunk in batch.chunks(of: groupRowsPerStatement) {
                    outcomes += try await insert(chunk, on: connection)
                }
                return outcomes
            }
            for (item, outcome) in zip(batch, outcomes) { item.result = .success(outcome) }
        } catch {
            for item in batch {
                do {
                    item.result = .success(
                        try await connection.transaction { try await insert([item][...], on: connection)[0] })
                } catch {
                    item.result = .failure(error)
                }
            }
        }
    }

    /// Inserts `items` with one statement for the requests and one for the audit entries of those inserted (each at
    /// the next position of the audit log, in order); an item whose id or idempotency key exists, or repeats an
    /// earlier item's, gets the stored request instead.
    private static func insert(
        _ items: ArraySlice<PendingCreate<PreparedCreate>>, on connection: SQLiteConnection
    ) async throws -> [CreateOutcome] {
        let inserted = try await connection.query(
            DSRRequest.sqliteInsertMany(items.count), items.flatMap(\.prepared.request)
        ).map { try SQLiteRowReader(row: $0).id("id") }
        let (outcomes, created) = try await items.createOutcomes(insertedIDs: inserted) { request in
            try await connection.query(
                DSRRequest.sqliteSelectConflicting, [.id(request.id), .text(request.idempotencyKey)]
            ).first.map { try DSRRequest(sqliteRow: $0) }
        }
        if !created.isEmpty {
            guard let log = try await connection.query("SELECT size FROM audit_log WHERE id = 1").first else {
                throw StoreError(code: .corruptRow, column: "size")
            }
            let first = try SQLiteRowReader(row: log).integer("size")
            _ = try await connection.query(
                AuditEntry.sqliteInsertMany(created.count),
                created.enumerated().flatMap { index, item in item.prepared.audit.positioned(at: first + index) })
        }
        return outcomes
    }

    /// A creation's values, worked out before it waits for the writer: the request's row (its subject sealed) and its
    /// audit entry's (with the leaf hash).
    struct PreparedCreate: Sendable {
        let request: [SQLiteData]
        let audit: [SQLiteData]

        init(_ request: DSRRequest, _ audit: AuditEntry, _ keys: SubjectKeys) {
            self.request = request.sqliteBinds(keys: keys)
            self.audit = audit.sqliteBinds(requestID: request.id)
        }
    }

    private func observed(_ outcome: CreateOutcome, audit: AuditEntry) -> CreateOutcome {
        if case .created(let stored) = outcome { observer?(stored, [audit]) }
        return outcome
    }

    /// Uses the index `requests_subject_lookup`; the lookup and the insert share one `BEGIN IMMEDIATE` transaction.
    package func createUnlessActive(_ request: DSRRequest, audit: AuditEntry) async throws -> CreateOutcome {
        let keys = try writingKeys()
        let item = PendingCreate(request: request, audit: audit, prepared: PreparedCreate(request, audit, keys))
        let outcome = try await transaction { connection -> CreateOutcome in
            let active = RequestState.allCases.filter { !$0.isTerminal }
            let lookups = keys.lookups(customerId: request.subject.customerId)
            let binds: [SQLiteData] =
                [.value(request.type), .value(request.source)] + active.map { .value($0) } + lookups.map { .text($0) }
            let states = (3..<3 + active.count).map { "?\($0)" }.joined(separator: ", ")
            let hashes = (3 + active.count...binds.count).map { "?\($0)" }.joined(separator: ", ")
            let sql = """
                SELECT \(DSRRequest.storedColumnList) FROM requests
                WHERE subject_lookup IN (\(hashes)) AND type = ?1 AND source = ?2 AND state IN (\(states))
                ORDER BY received_at DESC, id DESC LIMIT 1
                """
            if let row = try await connection.query(sql, binds).first {
                return .existing(try DSRRequest(sqliteRow: row))
            }
            return try await Self.insert([item][...], on: connection)[0]
        }
        return observed(outcome, audit: audit)
    }

    /// Read, change and write in one `BEGIN IMMEDIATE` transaction; the audit entries (and the exchange) go in
    /// with the row.
    @discardableResult
    package func update(
        id: UUID, recording exchange: ProcessorExchange?,
        _ change: @escaping @Sendable (inout DSRRequest) throws -> [AuditEntry]
    ) async throws -> DSRRequest? {
        let keys = try writingKeys()
        // Worked out before the transaction, once for the entries and the kept row alike.
        let digest = exchange.map { EvidenceRecord.digest(requestID: id, exchange: $0) }
        let (request, entries) = try await transaction { connection -> (DSRRequest?, [AuditEntry]) in
            guard let row = try await connection.query(DSRRequest.sqliteSelectByID, [.id(id)]).first else {
                return (nil, [])
            }
            let stored = try DSRRequest(sqliteRow: row)
            var changed = stored
            let entries = try change(&changed).citing(digest)
            guard !entries.isEmpty else { return (stored, []) }
            if let exchange, let digest {
                _ = try await connection.query(
                    ProcessorExchange.sqliteInsert, exchange.sqliteBinds(requestID: id, digest: digest, keys: keys))
            }
            guard changed.id == id else { throw StoreError(code: .idChanged, column: "id") }
            let updated = try await connection.query(DSRRequest.sqliteUpdate, changed.sqliteBinds(keys: keys))
            guard let row = updated.first else { throw StoreError(code: .corruptRow, column: "id") }
            for entry in entries {
                _ = try await connection.query(AuditEntry.sqliteInsert, entry.sqliteBinds(requestID: id))
            }
            return (try DSRRequest(sqliteRow: row), entries)
        }
        if let request, !entries.isEmpty { observer?(request, entries) }
        return request
    }

    /// One `UPDATE … RETURNING` statement, so selecting and leasing are atomic. The lease changes only
    /// `nextAttemptAt`: it writes no audit entry and leaves `updatedAt` alone.
    package func claimDue(at now: Date, leaseUntil: Date, limit: Int) async throws -> [DSRRequest] {
        guard limit > 0 else { return [] }
        let sql = """
            UPDATE requests SET next_attempt_at = ?1
            WHERE id IN (
                SELECT id FROM requests WHERE state = ?2 AND next_attempt_at <= ?3
                ORDER BY received_at, id LIMIT ?4
            )
            RETURNING \(DSRRequest.storedColumnList)
            """
        let binds: [SQLiteData] = [.date(leaseUntil), .value(RequestState.queued), .date(now), .integer(limit)]
        // RETURNING gives rows in no promised order.
        return try await rows(sql, binds).map(DSRRequest.init(sqliteRow:)).sorted {
            ($0.receivedAt, $0.subjectRequestId) < ($1.receivedAt, $1.subjectRequestId)
        }
    }

    /// Requests in `pending` or `in_progress` whose `updatedAt` is strictly before `before` and whose next poll is
    /// due, oldest update first.
    package func claimStale(
        notUpdatedSince before: Date, dueAt now: Date, leaseUntil: Date, limit: Int
    ) async throws -> [DSRRequest] {
        var binds: [SQLiteData] = [.date(leaseUntil), .date(before), .date(now), .integer(limit)]
        binds += RequestState.atProcessor.map { .value($0) }
        let states = (5...binds.count).map { "?\($0)" }.joined(separator: ", ")
        return try await claim(
            where: """
                state IN (\(states)) AND updated_at < ?2 AND (next_attempt_at IS NULL OR next_attempt_at <= ?3)
                ORDER BY updated_at, id
                """, binds, limit: limit
        ).sorted { ($0.updatedAt, $0.subjectRequestId) < ($1.updatedAt, $1.subjectRequestId) }
    }

    /// Matches the partial index `requests_awaiting_results`.
    package func claimAwaitingResults(at now: Date, leaseUntil: Date, limit: Int) async throws -> [DSRRequest] {
        try await claim(
            where: """
                state = 'completed' AND processor_results_url IS NOT NULL AND results_status IS NULL
                  AND (next_attempt_at IS NULL OR next_attempt_at <= ?3)
                ORDER BY next_attempt_at, id
                """, [.date(leaseUntil), .null, .date(now), .integer(limit)], limit: limit)
    }

    /// Matches the partial index `requests_results_retention`.
    package func claimStoredResults(
        before: Date, at now: Date, leaseUntil: Date, limit: Int
    ) async throws -> [DSRRequest] {
        try await claim(
            where: """
                results_status = 'stored' AND result_stored_at < ?2
                  AND (next_attempt_at IS NULL OR next_attempt_at <= ?3)
                ORDER BY result_stored_at, id
                """, [.date(leaseUntil), .date(before), .date(now), .integer(limit)], limit: limit
        ).sorted { ($0.results.storedAt ?? .distantPast) < ($1.results.storedAt ?? .distantPast) }
    }

    /// Matches the partial index `requests_attributes_due`; the lease is the attributes' own next attempt.
    package func claimErasureAttributesDue(at now: Date, leaseUntil: Date, limit: Int) async throws -> [DSRRequest] {
        guard limit > 0 else { return [] }
        let sql = """
            UPDATE requests SET attributes_next_attempt_at = ?1
            WHERE id IN (
                SELECT id FROM requests WHERE attributes_status = 'pending' AND attributes_next_attempt_at <= ?2
                ORDER BY attributes_next_attempt_at, id LIMIT ?3
            )
            RETURNING \(DSRRequest.storedColumnList)
            """
        return try await rows(sql, [.date(leaseUntil), .date(now), .integer(limit)]).map(DSRRequest.init(sqliteRow:))
            .sorted { $0.receivedAt < $1.receivedAt }
    }

    /// Leases (sets `next_attempt_at` to `?1`) up to `?4` requests matching `condition` (which may use `?2`, `?3`
    /// and further binds) in one statement, and returns them as stored.
    private func claim(where condition: String, _ binds: [SQLiteData], limit: Int) async throws -> [DSRRequest] {
        guard limit > 0 else { return [] }
        let sql = """
            UPDATE requests SET next_attempt_at = ?1
            WHERE id IN (SELECT id FROM requests WHERE \(condition) LIMIT ?4)
            RETURNING \(DSRRequest.storedColumnList)
            """
        return try await rows(sql, binds).map(DSRRequest.init(sqliteRow:))
    }

    package func setNextAttempt(id: UUID, at time: Date) async throws {
        _ = try await rows("UPDATE requests SET next_attempt_at = ?1 WHERE id = ?2", [.date(time), .id(id)])
    }

    /// Each probe writes a row of its own (overlapping `/health` calls once shared one row and read each other's
    /// value), reads it back on a reading connection, and deletes it.
    package func probe(at now: Date) async throws -> Date? {
        // A page's worth of token: the write needs room in the file (a new page at least, as a submission may), so
        // a database that cannot grow fails the probe instead of squeezing a tiny row into a page's free space.
        let token = UUID().uuidString + String(repeating: "-", count: 4096)
        _ = try await rows("INSERT INTO health_probes (token, checked_at) VALUES (?1, ?2)", [.text(token), .date(now)])
        let read = try await read("SELECT checked_at FROM health_probes WHERE token = ?1", [.text(token)])
        // A check abandoned at its time limit may have left its row: one older than a minute is nobody's.
        _ = try await rows(
            "DELETE FROM health_probes WHERE token = ?1 OR checked_at < ?2",
            [.text(token), .date(now.addingTimeInterval(-60))])
        return try read.first.map { try SQLiteRowReader(row: $0).date("checked_at") }
    }
}
