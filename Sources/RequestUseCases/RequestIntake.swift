import DSRCore
import Foundation
import Persistence

/// Accepts new requests: computes the deadline and writes the request durably (queued) before anything
/// is sent upstream. The same API key submitting the same id or idempotency key again gets the stored request back;
/// idempotency keys belong to the API key that sent them, and another key's id is a conflict, never a replay.
package struct RequestIntake: Sendable {
    private let store: any RequestStore
    private let deadlines: DeadlinePolicy
    private let clock: any WallClock

    private let sendsErasureAttributes: Bool
    private let requiresApproval: Bool

    /// `sendsErasureAttributes`: erasures get the Events API "erasure requested" attributes (when configured).
    /// `requiresApproval`: new requests wait in `awaiting_approval` until a second person approves them.
    package init(
        store: any RequestStore, deadlines: DeadlinePolicy, clock: any WallClock, sendsErasureAttributes: Bool,
        requiresApproval: Bool = false
    ) {
        self.store = store
        self.deadlines = deadlines
        self.clock = clock
        self.sendsErasureAttributes = sendsErasureAttributes
        self.requiresApproval = requiresApproval
    }

    /// What a caller asks for.
    package struct Submission: Sendable {
        package var id: UUID?
        package var regulation: Regulation
        package var type: RequestType
        package var subject: SubjectIdentity
        package var source: RequestSource
        package var idempotencyKey: String?
        /// The name of the API key that sent it.
        package var principal: String?
        /// When the controller received the request, checked by ``receiptTime(_:regulation:)``; nil means now.
        package var receivedAt: Date?

        package init(
            id: UUID? = nil, regulation: Regulation, type: RequestType, subject: SubjectIdentity, source: RequestSource,
            idempotencyKey: String? = nil, principal: String? = nil, receivedAt: Date? = nil
        ) {
            self.id = id
            self.regulation = regulation
            self.type = type
            self.subject = subject
            self.source = source
            self.idempotencyKey = idempotencyKey
            self.principal = principal
            self.receivedAt = receivedAt
        }
    }

    /// Why a supplied receipt time cannot be taken.
    package enum ReceiptTimeProblem: Error, Equatable {
        /// Later than now (beyond ``clockSkewAllowance``).
        case inTheFuture
        /// So long ago that the deadline it implies has passed: the request is overdue before it starts.
        case deadlinePassed(Date)
    }

    /// How far ahead of our clock a client's receipt time may be (it is then taken as now).
    package static let clockSkewAllowance: TimeInterval = 300

    /// The receipt time a submission may carry: not in the future (a few minutes of clock skew are taken as now), and
    /// not so long ago that the deadline it implies has already passed.
    package func receiptTime(_ supplied: Date, regulation: Regulation) throws(ReceiptTimeProblem) -> Date {
        let now = clock.now
        guard supplied <= now.addingTimeInterval(Self.clockSkewAllowance) else { throw .inTheFuture }
        let receivedAt = min(supplied, now)
        let deadline = deadlines.deadline(for: regulation, receivedAt: receivedAt)
        guard deadline > now else { throw .deadlinePassed(deadline) }
        return receivedAt
    }

    /// The result of a submission.
    package enum Outcome: Sendable, Equatable {
        case created(DSRRequest)
        /// The id or idempotency key was used before for the same request.
        case replayed(DSRRequest)
        /// The id or idempotency key was used before for a different request.
        case conflict(DSRRequest)
    }

    package func submit(_ submission: Submission) async throws -> Outcome {
        let (request, audit) = prepare(submission)
        switch try await store.create(request, audit: audit) {
        case .created(let stored):
            return .created(stored)
        case .existing(let stored):
            // Another key's request is never handed back (its subject is not this key's to see), and an explicit id
            // must be the stored one: the same idempotency key with a new id is a different request.
            let same =
                stored.principal == request.principal && (submission.id == nil || stored.id == submission.id)
                && stored.idempotencyKey == request.idempotencyKey && stored.regulation == request.regulation
                && stored.type == request.type && stored.subject == request.subject
            return same ? .replayed(stored) : .conflict(stored)
        }
    }

    /// Stores a new request (with a fresh id) unless one for the same subject and type is still in flight; then
    /// that one is returned with `created == false` (Baton initiates).
    package func submitUnlessActive(_ submission: Submission) async throws -> (request: DSRRequest, created: Bool) {
        var fresh = submission
        fresh.id = nil
        fresh.idempotencyKey = nil
        let (request, audit) = prepare(fresh)
        switch try await store.createUnlessActive(request, audit: audit) {
        case .created(let stored): return (stored, true)
        case .existing(let stored): return (stored, false)
        }
    }

    private func prepare(_ submission: Submission) -> (DSRRequest, AuditEntry) {
        let now = clock.now
        let receivedAt = submission.receivedAt ?? now
        var request = DSRRequest(
            id: submission.id ?? UUID(), regulation: submission.regulation, type: submission.type,
            subject: submission.subject, source: submission.source, receivedAt: receivedAt,
            deadline: deadlines.deadline(for: submission.regulation, receivedAt: receivedAt),
            idempotencyKey: submission.idempotencyKey.map {
                DSRRequest.scopedIdempotencyKey($0, principal: submission.principal)
            },
            acceptedAt: now)
        request.principal = submission.principal
        if requiresApproval {
            // Nothing leaves the gateway before the approval: not the request, not the erasure attributes.
            request.state = .awaitingApproval
            request.nextAttemptAt = nil
            request.queuedAt = nil
        } else if sendsErasureAttributes && submission.type == .erasure {
            request.erasureAttributes = ErasureAttributesRecord(status: .pending, nextAttemptAt: now)
        }
        let receipt = submission.receivedAt.map { "; received by the controller \(Timestamp.format($0))" } ?? ""
        let audit = AuditEntry(
            at: now, actor: submission.source == .baton ? .baton : .api, event: .received, toState: request.state,
            detail: "\(submission.regulation.rawValue) \(submission.type.rawValue)\(receipt); deadline "
                + Timestamp.format(request.deadline),
            principal: submission.principal
        )
        return (request, audit)
    }
}
