import AuditLog
import DSRCore
import Foundation
import PostgresNIO

extension PostgresRequestStore {
    /// Inserts the request and its audit entry in one transaction, unless the id or idempotency key exists; then
    /// nothing is written and the existing request is returned (the one with the same id, if both match).
    ///
    /// Group commit: creations wait for this instance's writer, which inserts every creation waiting by then in one
    /// transaction. Audit log positions are taken at commit under the log row's lock, so across the fleet commits of
    /// audited writes follow one another; one commit for many creations keeps that from capping submissions at one per
    /// commit. If the group's transaction fails, each creation is tried in a transaction of its own (so one bad row
    /// cannot fail the others), unless the database is unavailable: then all of them are.
    package func create(_ request: DSRRequest, audit: AuditEntry) async throws -> CreateOutcome {
        let keys = try writingKeys()
        let item = PendingCreate(request: request, audit: audit, prepared: ())
        creations.enqueue(item)
        let outcome = try await creationGate.withLock {
            try await creations.carry(item) { await self.insert($0, keys: keys) }
        }
        if case .created(let stored) = outcome { observer?(stored, [audit]) }
        return outcome
    }

    /// Writes `group` in one transaction (or as said at ``create(_:audit:)``); records every item's result.
    private func insert(_ group: [PendingCreate<Void>], keys: SubjectKeys) async {
        let logger = logger
        do {
            let outcomes = try await transaction { connection in
                var outcomes: [CreateOutcome] = []
                for chunk in group.chunks(of: groupRowsPerStatement) {
                    outcomes += try await Self.insert(chunk, keys: keys, on: connection, logger: logger)
                }
                return outcomes
            }
            for (item, outcome) in zip(group, outcomes) { item.result = .success(outcome) }
        } catch let error as StoreError where error.code == .unavailable {
            for item in group { item.result = .failure(error) }
        } catch {
            for item in group {
                do {
                    item.result = .success(
                        try await transaction {
                            try await Self.insert([item][...], keys: keys, on: $0, logger: logger)[0]
                        })
                } catch {
                    item.result = .failure(error)
                }
            }
        }
    }

    /// Inserts `items` with one statement for the requests and one for the audit entries of those inserted (which take
    /// the audit log's next positions in order at commit); an item whose id or idempotency key exists, or repeats an earlier item's, gets the stored request.
    private static func insert(
        _ items: ArraySlice<PendingCreate<Void>>, keys: SubjectKeys, on connection: PostgresConnection, logger: Logger
    ) async throws -> [CreateOutcome] {
        var requests = PostgresBindings(capacity: items.count * DSRRequest.storedColumns.count)
        for item in items { item.request.appendValues(to: &requests, keys: keys) }
        let inserted = try await connection.rows(
            DSRRequest.postgresInsertMany(items.count), requests, logger: logger
        ).map { try PostgresRowReader(row: $0).id("id") }
        let (outcomes, created) = try await items.createOutcomes(insertedIDs: inserted) { request in
            var binds = PostgresBindings()
            binds.append(id: request.id)
            binds.append(request.idempotencyKey)
            return try await connection.rows(DSRRequest.postgresSelectConflicting, binds, logger: logger).first.map {
                try DSRRequest(postgresRow: $0)
            }
        }
        if !created.isEmpty {
            try await connection.appendToTrail(created.map { ($0.audit, $0.request.id) }, logger: logger)
        }
        return outcomes
    }

    /// The lookup and the insert share one transaction that holds an advisory lock on the subject and type, so two
    /// instances answering Baton at once cannot both create one.
    package func createUnlessActive(_ request: DSRRequest, audit: AuditEntry) async throws -> CreateOutcome {
        let logger = logger
        let keys = try writingKeys()
        let outcome = try await transaction { connection -> CreateOutcome in
            // One lock per key's hash, in one order: instances whose current keys differ mid-rotation still meet.
            var lock = PostgresBindings()
            lock.append(request.type.rawValue)
            lock.append(keys.lookups(customerId: request.subject.customerId).sorted())
            try await connection.rows(
                "SELECT pg_advisory_xact_lock(hashtext($1), hashtext(h)) FROM unnest($2::text[]) AS h ORDER BY h",
                lock, logger: logger)
            var binds = PostgresBindings()
            binds.append(keys.lookups(customerId: request.subject.customerId))
            binds.append(value: request.type)
            binds.append(RequestState.allCases.filter { !$0.isTerminal }.map(\.rawValue))
            binds.append(value: request.source)
            let active = try await connection.rows(
                """
                SELECT \(DSRRequest.storedColumnList) FROM requests
                WHERE subject_lookup = ANY($1) AND type = $2 AND state = ANY($3) AND source = $4
                ORDER BY received_at DESC, id DESC LIMIT 1
                """, binds, logger: logger)
            if let row = active.first { return .existing(try DSRRequest(postgresRow: row)) }
            let item = PendingCreate(request: request, audit: audit, prepared: ())
            return try await Self.insert([item][...], keys: keys, on: connection, logger: logger)[0]
        }
        if case .created(let stored) = outcome { observer?(stored, [audit]) }
        return outcome
    }

    /// Read (`FOR UPDATE`), change and write in one transaction; the audit entries go in with the row. `change` may
    /// outlive the call when the operation is abandoned at its time limit: the transaction then still commits or rolls
    /// back whole, and the caller, told the store was unavailable, reads before it acts again.
    @discardableResult
    package func update(
        id: UUID, recording exchange: ProcessorExchange?,
        _ change: @escaping @Sendable (inout DSRRequest) throws -> [AuditEntry]
    ) async throws -> DSRRequest? {
        let logger = logger
        let keys = try writingKeys()
        // Worked out before the transaction, once for the entries and the kept row alike.
        let digest = exchange.map { EvidenceRecord.digest(requestID: id, exchange: $0) }
        let (request, entries) = try await transaction { connection -> (DSRRequest?, [AuditEntry]) in
            var binds = PostgresBindings()
            binds.append(id: id)
            guard
                let row = try await connection.rows(LockRequest(binds: binds), logger: logger).first
            else { return (nil, []) }
            let stored = try DSRRequest(postgresRow: row)
            var changed = stored
            let entries = try change(&changed).citing(digest)
            guard !entries.isEmpty else { return (stored, []) }
            guard changed.id == id else { throw StoreError(code: .idChanged, column: "id") }
            if let exchange, let digest {
                try await connection.rows(
                    RecordExchange(binds: exchange.postgresBinds(requestID: id, digest: digest, keys: keys)),
                    logger: logger)
            }
            guard
                let updated = try await connection.rows(
                    RewriteRequest(binds: changed.postgresBinds(keys: keys)), logger: logger
                ).first
            else { throw StoreError(code: .corruptRow, column: "id") }
            try await connection.appendToTrail(entries.map { ($0, id) }, logger: logger)
            return (try DSRRequest(postgresRow: updated), entries)
        }
        if let request, !entries.isEmpty { observer?(request, entries) }
        return request
    }

    /// Selects and leases in one statement; `SKIP LOCKED` keeps instances claiming at once off each other's rows.
    package func claimDue(at now: Date, leaseUntil: Date, limit: Int) async throws -> [DSRRequest] {
        guard limit > 0 else { return [] }
        var binds = PostgresBindings()
        binds.append(date: leaseUntil)
        binds.append(value: RequestState.queued)
        binds.append(date: now)
        binds.append(integer: limit)
        let rows = try await write(
            """
            UPDATE requests SET next_attempt_at = $1
            WHERE id IN (
                SELECT id FROM requests WHERE state = $2 AND next_attempt_at <= $3
                ORDER BY received_at, id LIMIT $4 FOR UPDATE SKIP LOCKED
            )
            RETURNING \(DSRRequest.storedColumnList)
            """, binds)
        return try rows.map(DSRRequest.init(postgresRow:)).sorted {
            ($0.receivedAt, $0.subjectRequestId) < ($1.receivedAt, $1.subjectRequestId)
        }
    }

    package func claimStale(
        notUpdatedSince before: Date, dueAt now: Date, leaseUntil: Date, limit: Int
    ) async throws -> [DSRRequest] {
        var binds = Self.leaseBinds(leaseUntil, now, limit)
        binds.append(date: before)
        binds.append(RequestState.atProcessor.map(\.rawValue))
        return try await claim(
            where: "state = ANY($5) AND updated_at < $4 AND (next_attempt_at IS NULL OR next_attempt_at <= $2)",
            orderedBy: "updated_at, id", binds
        ).sorted { ($0.updatedAt, $0.subjectRequestId) < ($1.updatedAt, $1.subjectRequestId) }
    }

    package func claimAwaitingResults(at now: Date, leaseUntil: Date, limit: Int) async throws -> [DSRRequest] {
        try await claim(
            where: """
                state = 'completed' AND processor_results_url IS NOT NULL AND results_status IS NULL
                  AND (next_attempt_at IS NULL OR next_attempt_at <= $2)
                """, orderedBy: "next_attempt_at NULLS FIRST, id", Self.leaseBinds(leaseUntil, now, limit))
    }

    package func claimStoredResults(
        before: Date, at now: Date, leaseUntil: Date, limit: Int
    ) async throws -> [DSRRequest] {
        var binds = Self.leaseBinds(leaseUntil, now, limit)
        binds.append(date: before)
        return try await claim(
            where: """
                results_status = 'stored' AND result_stored_at < $4
                  AND (next_attempt_at IS NULL OR next_attempt_at <= $2)
                """, orderedBy: "result_stored_at, id", binds
        ).sorted { ($0.results.storedAt ?? .distantPast) < ($1.results.storedAt ?? .distantPast) }
    }

    /// The lease is the attributes' own next attempt.
    package func claimErasureAttributesDue(at now: Date, leaseUntil: Date, limit: Int) async throws -> [DSRRequest] {
        guard limit > 0 else { return [] }
        return try await write(
            """
            UPDATE requests SET attributes_next_attempt_at = $1
            WHERE id IN (
                SELECT id FROM requests WHERE attributes_status = 'pending' AND attributes_next_attempt_at <= $2
                ORDER BY attributes_next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED
            )
            RETURNING \(DSRRequest.storedColumnList)
            """, Self.leaseBinds(leaseUntil, now, limit)
        ).map(DSRRequest.init(postgresRow:)).sorted { $0.receivedAt < $1.receivedAt }
    }

    /// `$1` the lease's end, `$2` now, `$3` the limit.
    private static func leaseBinds(_ leaseUntil: Date, _ now: Date, _ limit: Int) -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(date: leaseUntil)
        binds.append(date: now)
        binds.append(integer: limit)
        return binds
    }

    /// Leases (sets `next_attempt_at` to `$1`) up to `$3` requests matching `condition`, skipping rows another
    /// instance is claiming, and returns them as stored.
    private func claim(where condition: String, orderedBy order: String, _ binds: PostgresBindings) async throws
        -> [DSRRequest]
    {
        try await write(
            """
            UPDATE requests SET next_attempt_at = $1
            WHERE id IN (
                SELECT id FROM requests WHERE \(condition) ORDER BY \(order) LIMIT $3 FOR UPDATE SKIP LOCKED
            )
            RETURNING \(DSRRequest.storedColumnList)
            """, binds
        ).map(DSRRequest.init(postgresRow:))
    }

    package func setNextAttempt(id: UUID, at time: Date) async throws {
        var binds = PostgresBindings()
        binds.append(date: time)
        binds.append(id: id)
        try await run(SetNextAttempt(binds: binds), retrying: false)
    }

    /// Writes a row of its own (so overlapping checks, and instances, never read each other's), reads it back and
    /// deletes it.
    package func probe(at now: Date) async throws -> Date? {
        let token = UUID().uuidString
        var row = PostgresBindings()
        row.append(token)
        row.append(date: now)
        try await write("INSERT INTO health_probe (id, checked_at) VALUES ($1, $2)", row)
        var key = PostgresBindings()
        key.append(token)
        let read = try await self.read("SELECT checked_at FROM health_probe WHERE id = $1", key)
        try await write("DELETE FROM health_probe WHERE id = $1", key)
        // A check abandoned at its time limit may have left its row: one older than a minute is nobody's.
        var stale = PostgresBindings()
        stale.append(date: now.addingTimeInterval(-60))
        try await write("DELETE FROM health_probe WHERE checked_at < $1", stale)
        return try read.first.map { try PostgresRowReader(row: $0).date("checked_at") }
    }
}
