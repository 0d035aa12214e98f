import DSRCore
import Foundation
import Logging
import OpenDSR
import Persistence

/// Cancels a request while the processor still allows it: locally while queued, at the processor while pending.
package struct RequestCanceller: Sendable {
    private let store: any RequestStore
    private let client: OpenDSRClient
    private let clock: any WallClock

    package init(store: any RequestStore, client: OpenDSRClient, clock: any WallClock) {
        self.store = store
        self.client = client
        self.clock = clock
    }

    /// The result of a cancellation.
    package enum Outcome: Sendable, Equatable {
        case cancelled(DSRRequest)
        case unknownRequest
        /// Too late: the request is in progress or finished (its current state is given).
        case notCancellable(RequestState)
        /// The processor could not be asked; nothing changed.
        case processorUnavailable(String)
        /// A delivery attempt is in flight or will be retried; ask again after the given time.
        case deliveryInProgress(retryAfter: Date)
    }

    /// Cancels the request `id` for `actor`; `principal` is the API key that asked, for the audit trail.
    package func cancel(id: UUID, actor: AuditEntry.Actor, principal: String?, logger: Logger) async throws -> Outcome {
        guard let request = try await store.request(id: id) else { return .unknownRequest }
        switch request.state {
        case .awaitingApproval:
            return try await markCancelled(
                id, allowedFrom: [.awaitingApproval], detail: "cancelled before approval", actor: actor,
                principal: principal)
        case .queued where (request.nextAttemptAt ?? .distantPast) > clock.now:
            // Claimed for delivery, or waiting to retry an attempt that may have reached the processor: cancelling
            // only here could leave the erasure running there.
            return .deliveryInProgress(retryAfter: request.nextAttemptAt ?? clock.now)
        case .queued:
            return try await markCancelled(
                id, allowedFrom: [.queued], detail: "cancelled before delivery", actor: actor, principal: principal)
        case .pending where request.processor.follows != nil:
            // mParticle knows only the request this one follows, which is not ours to cancel for this caller.
            return try await markCancelled(
                id, allowedFrom: [.pending],
                detail: "cancelled here; mParticle carries on with the request it followed",
                actor: actor, principal: principal)
        case .pending:
            let reply = await client.cancel(subjectRequestId: request.subjectRequestId, logger: logger)
            switch reply.outcome {
            case .success:
                return try await markCancelled(
                    id, allowedFrom: [.pending, .queued], detail: "cancelled at the processor", actor: actor,
                    principal: principal, answer: reply.exchange)
            case .rejected, .notFound:
                return .notCancellable(request.state)
            case let other:
                return .processorUnavailable(other.summary)
            }
        case .inProgress, .completed, .cancelled, .failed:
            return .notCancellable(request.state)
        }
    }

    private func markCancelled(
        _ id: UUID, allowedFrom: Set<RequestState>, detail: String, actor: AuditEntry.Actor, principal: String?,
        answer: ProcessorExchange? = nil
    ) async throws -> Outcome {
        let at = clock.now
        guard
            let updated = try await store.update(
                id: id, recording: answer,
                { request in
                    guard allowedFrom.contains(request.state) else { return [] }
                    // A queued request the dispatcher claimed since we looked stays with it.
                    guard request.state != .queued || (request.nextAttemptAt ?? .distantPast) <= at else { return [] }
                    let previous = request.state
                    request.state = .cancelled
                    request.nextAttemptAt = nil
                    request.updatedAt = at
                    return [
                        AuditEntry(
                            at: at, actor: actor, event: .stateChanged, fromState: previous, toState: .cancelled,
                            detail: detail, principal: principal)
                    ]
                })
        else { return .unknownRequest }
        return updated.state == .cancelled ? .cancelled(updated) : .notCancellable(updated.state)
    }
}
