import DSRCore
import Foundation
import Persistence
import Synchronization

/// Closes a request the gateway could not serve by itself — failed, or completed at the processor without results the
/// subject can have — with a person's outcome and reason, audited under their API key. From then on the deadline watch
/// (`requests list --at-risk`, the deadline metrics, `DeadlineApproaching`) no longer counts it.
package struct RequestResolver: Sendable {
    private let store: any RequestStore
    private let clock: any WallClock

    package init(store: any RequestStore, clock: any WallClock) {
        self.store = store
        self.clock = clock
    }

    package enum Outcome: Sendable, Equatable {
        case resolved(DSRRequest)
        case unknownRequest
        /// Still in flight (cancel it instead, or wait), or nothing is owed (served or cancelled).
        case notResolvable(RequestState)
        case alreadyResolved
    }

    package func resolve(
        id: UUID, outcome: ResolutionOutcome, reason: String, principal: String?
    ) async throws -> Outcome {
        let at = clock.now
        let refusal = Mutex<Outcome?>(nil)
        let stored = try await store.update(id: id) { request in
            if request.resolution != nil {
                refusal.withLock { $0 = .alreadyResolved }
                return []
            }
            guard request.owesSubject, request.state.isTerminal else {
                refusal.withLock { [state = request.state] in $0 = .notResolvable(state) }
                return []
            }
            request.resolution = Resolution(outcome: outcome, reason: reason, at: at, principal: principal)
            request.updatedAt = at
            return [
                AuditEntry(
                    at: at, actor: .operator_, event: .resolved, detail: "resolved: \(outcome.rawValue)",
                    principal: principal)
            ]
        }
        guard let stored else { return .unknownRequest }
        return refusal.withLock { $0 } ?? .resolved(stored)
    }
}
