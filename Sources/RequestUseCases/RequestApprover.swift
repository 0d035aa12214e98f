import DSRCore
import Foundation
import Persistence
import Synchronization

/// Four eyes on every request when `approval.required` is on: a person other than the submitter approves a request
/// held in `awaiting_approval` (it is then queued for delivery) or denies it (it fails, resolved as refused, and
/// Baton is told why). Its deadline runs from receipt meanwhile.
package struct RequestApprover: Sendable {
    private let store: any RequestStore
    private let clock: any WallClock
    private let sendsErasureAttributes: Bool

    package init(store: any RequestStore, clock: any WallClock, sendsErasureAttributes: Bool) {
        self.store = store
        self.clock = clock
        self.sendsErasureAttributes = sendsErasureAttributes
    }

    /// The `lastError` of a denied request: how Baton's status tells a denial from a failure.
    package static let denied = "denied by a person before it was sent"

    package enum Decision: Sendable, Equatable {
        case approve
        case deny
    }

    package enum Outcome: Sendable, Equatable {
        case decided(DSRRequest)
        case unknownRequest
        /// Not awaiting approval (never held, or decided already): its current state.
        case notAwaitingApproval(RequestState)
        /// The key that submitted the request may not decide on it.
        case ownRequest
    }

    package func decide(
        _ decision: Decision, id: UUID, reason: String, principal: String?
    ) async throws -> Outcome {
        let at = clock.now
        let refusal = Mutex<Outcome?>(nil)
        let stored = try await store.update(id: id) { request in
            let problem: Outcome? =
                if request.state != .awaitingApproval {
                    .notAwaitingApproval(request.state)
                } else if principal == nil || request.principal == principal { .ownRequest } else { nil }
            if let problem {
                refusal.withLock { $0 = problem }
                return []
            }
            request.updatedAt = at
            switch decision {
            case .approve:
                request.state = .queued
                request.nextAttemptAt = at
                request.queuedAt = at
                if sendsErasureAttributes && request.type == .erasure {
                    request.erasureAttributes = ErasureAttributesRecord(status: .pending, nextAttemptAt: at)
                }
                return [
                    AuditEntry(
                        at: at, actor: .operator_, event: .approved, fromState: .awaitingApproval, toState: .queued,
                        principal: principal)
                ]
            case .deny:
                request.state = .failed
                request.lastError = Self.denied
                request.resolution = Resolution(outcome: .refused, reason: reason, at: at, principal: principal)
                return [
                    AuditEntry(
                        at: at, actor: .operator_, event: .denied, fromState: .awaitingApproval, toState: .failed,
                        principal: principal)
                ]
            }
        }
        guard let stored else { return .unknownRequest }
        return refusal.withLock { $0 } ?? .decided(stored)
    }
}
