import DSRCore
import Foundation

/// Durable storage of requests and their append-only audit trails.
///
/// Every mutation writes the request row and its audit rows in one transaction: nothing is half-written.
/// Two engines implement it (SQLite and PostgreSQL) and one contract test suite runs against both.
package protocol RequestStore: Sendable {
    /// Stores a new request together with its audit entry. When a request with the same id, or with the
    /// same idempotency key, already exists nothing is written and the existing request is returned.
    func create(_ request: DSRRequest, audit: AuditEntry) async throws -> CreateOutcome

    /// The request with this id, or nil.
    func request(id: UUID) async throws -> DSRRequest?

    /// The request with this id and its audit trail, oldest first, read together (one statement); nil for an
    /// unknown id.
    func requestWithTrail(id: UUID) async throws -> (request: DSRRequest, trail: [AuditEntry])?

    /// Reads the request, lets `change` modify it and return the audit entries that describe the change,
    /// and writes both atomically. An empty array means "nothing changed" and writes nothing; a throw
    /// writes nothing and is rethrown. Returns the request as stored afterwards, or nil for an unknown id.
    ///
    /// With `exchange` (what the processor said that caused the change), a change that writes anything also keeps the
    /// exchange, in the same transaction, and every entry written carries its digest (``AuditEntry/evidence``).
    @discardableResult
    func update(
        id: UUID, recording exchange: ProcessorExchange?,
        _ change: @escaping @Sendable (inout DSRRequest) throws -> [AuditEntry]
    ) async throws -> DSRRequest?

    /// The exchanges kept for a request (``update(id:recording:_:)``), oldest first.
    func exchanges(id: UUID) async throws -> [ProcessorExchange]

    /// Claims up to `limit` queued requests whose `nextAttemptAt` is at or before `now`, oldest first, by
    /// moving their `nextAttemptAt` to `leaseUntil` so no other dispatcher takes them meanwhile. A crash
    /// after claiming only delays delivery until the lease ends.
    func claimDue(at now: Date, leaseUntil: Date, limit: Int) async throws -> [DSRRequest]

    /// Requests, newest first, optionally only those in `states` and only those the API key named `principal`
    /// submitted.
    func list(states: Set<RequestState>?, submittedBy principal: String?, limit: Int) async throws -> [DSRRequest]

    /// Claims pending and in-progress requests not updated since `before` whose next poll (`nextAttemptAt`) is unset
    /// or at or before `now`, least recently updated first, by moving `nextAttemptAt` to `leaseUntil`: what the
    /// reconciliation poller asks the processor about. With several instances each request goes to one of them; one
    /// that dies leaves it to the others when the lease ends.
    func claimStale(notUpdatedSince before: Date, dueAt now: Date, leaseUntil: Date, limit: Int) async throws
        -> [DSRRequest]

    /// Sets only `nextAttemptAt` (the next poll of a request in flight, or a download held back by the pacer):
    /// bookkeeping, like a lease, so it writes no audit entry and leaves `updatedAt` alone.
    func setNextAttempt(id: UUID, at time: Date) async throws

    /// Claims completed requests with a `results_url` whose results are not yet fetched and whose `nextAttemptAt`
    /// (the download retry time) is unset or at or before `now`, by moving it to `leaseUntil`.
    func claimAwaitingResults(at now: Date, leaseUntil: Date, limit: Int) async throws -> [DSRRequest]

    /// Claims results stored before `before` (due for deletion at the end of the retention period) whose
    /// `nextAttemptAt` is unset or due, oldest first, by moving it to `leaseUntil`.
    func claimStoredResults(before: Date, at now: Date, leaseUntil: Date, limit: Int) async throws -> [DSRRequest]

    /// Claims erasures whose Events API attributes are still to be sent and due at `now`, oldest first, by moving
    /// their next attempt to `leaseUntil`.
    func claimErasureAttributesDue(at now: Date, leaseUntil: Date, limit: Int) async throws -> [DSRRequest]

    /// Like ``create(_:audit:)``, but when a non-terminal request from the same source for the same subject and type
    /// exists it is returned instead, in the same transaction, so two concurrent callers cannot both create one.
    func createUnlessActive(_ request: DSRRequest, audit: AuditEntry) async throws -> CreateOutcome

    /// The subject's requests of `type` that the processor has in progress (`pending` or `in_progress`) under their own
    /// id, oldest first: what a request the processor refused as a duplicate (409) can follow.
    func inProgressAtProcessor(customerId: String, type: RequestType) async throws -> [DSRRequest]

    /// Requests that still owe the subject something (``DSRRequest/owesSubject``: in flight, failed, or completed
    /// without results the subject can have, and not resolved by a person) whose regulatory deadline is before
    /// `before`, nearest deadline first: the ones at risk of breaching it.
    func atRisk(deadlineBefore before: Date, limit: Int) async throws -> [DSRRequest]

    /// Finished requests that owe their subject nothing any more, whose subject is not yet erased and that have not
    /// changed since `before`, oldest first: the subjects `privacy.retain_subject_days` has run out for.
    func subjectsDueForErasure(finishedBefore before: Date, limit: Int) async throws -> [UUID]

    /// Seals afresh with the current subject key every request's subject that is not sealed with it (rows from before
    /// a key rotation, or from before subjects were sealed), a batch per transaction, and then, when none is left,
    /// forgets every other key id (so those keys may leave the configuration): `dsr-gateway keys rotate`.
    func resealSubjects() async throws -> SubjectRotation

    /// How many requests are in each state.
    func countByState() async throws -> [RequestState: Int]

    /// Requests waiting to be delivered (`queued`): how many, and when the one queued longest ago was queued.
    func queueSummary() async throws -> QueueSummary

    /// Requests that still owe the subject something (as for ``atRisk(deadlineBefore:limit:)``) whose deadline is within
    /// `atRiskWithin` of `now` (at risk), within `imminentWithin` of it or already passed (imminent), or already
    /// passed — in one query.
    func deadlineCounts(at now: Date, atRiskWithin: TimeInterval, imminentWithin: TimeInterval) async throws
        -> DeadlineCounts

    /// Proves the store can still commit and read back: writes a probe row holding `now` and returns the instant a
    /// reader then sees (equal to `now` when both work).
    func probe(at now: Date) async throws -> Date?

    /// Waits for operations in flight and releases the database; later calls fail.
    func close() async throws
}

/// What ``RequestStore/resealSubjects()`` did.
package struct SubjectRotation: Sendable, Equatable {
    /// Rows sealed afresh with the current key.
    package var resealed: Int
    /// Key ids the database no longer needs.
    package var retired: [String]
    /// Rows still not sealed with the current key afterwards (written meanwhile by an instance with another key);
    /// when not zero, no key id was retired.
    package var remaining: Int

    package init(resealed: Int, retired: [String], remaining: Int) {
        self.resealed = resealed
        self.retired = retired
        self.remaining = remaining
    }
}

/// The result of ``RequestStore/create(_:audit:)``.
package enum CreateOutcome: Sendable, Equatable {
    /// The request was new and is now stored.
    case created(DSRRequest)
    /// A request with the same id or idempotency key existed; it is returned unchanged.
    case existing(DSRRequest)

    package var request: DSRRequest {
        switch self {
        case .created(let request), .existing(let request): request
        }
    }
}

/// The dispatcher's queue as the store sees it.
package struct QueueSummary: Sendable, Equatable {
    package var depth: Int
    package var oldestQueuedAt: Date?

    package init(depth: Int, oldestQueuedAt: Date?) {
        self.depth = depth
        self.oldestQueuedAt = oldestQueuedAt
    }
}

/// Unfinished requests near or past their regulatory deadline.
package struct DeadlineCounts: Sendable, Equatable {
    /// Not passed, but due within the at-risk window.
    package var atRisk: Int
    /// Due within the imminent window, or passed.
    package var imminent: Int
    package var passed: Int

    package init(atRisk: Int, imminent: Int, passed: Int) {
        self.atRisk = atRisk
        self.imminent = imminent
        self.passed = passed
    }
}

/// Told, after the commit, about each request created or changed and the audit entries written with it.
package typealias ChangeObserver = @Sendable (_ request: DSRRequest, _ entries: [AuditEntry]) -> Void

/// Everything the gateway keeps in its database: requests with their audit trail, alert states, the evaluator lease,
/// the notification outbox, the fleet's workspace budget and the last refused callbacks. Each engine implements all
/// of it.
package typealias GatewayStore =
    AlertStateStore & RequestStore & WorkspaceBudgetLedger & RefusedCallbackStore & AuditLogStore

extension RequestStore {
    /// ``update(id:recording:_:)`` for a change nothing from the processor caused.
    @discardableResult
    package func update(
        id: UUID, _ change: @escaping @Sendable (inout DSRRequest) throws -> [AuditEntry]
    ) async throws -> DSRRequest? {
        try await update(id: id, recording: nil, change)
    }

    /// The audit trail of a request, oldest first (empty for an unknown id).
    package func auditTrail(id: UUID) async throws -> [AuditEntry] {
        try await requestWithTrail(id: id)?.trail ?? []
    }
}
