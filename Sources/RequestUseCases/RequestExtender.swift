import DSRCore
import Foundation
import Persistence
import Synchronization

/// Extends a request's deadline once, by what the regulation allows (GDPR two further months, CCPA 45 further days),
/// before the deadline passes, audited under the person's API key. The deadline watch then counts to the new deadline.
package struct RequestExtender: Sendable {
    private let store: any RequestStore
    private let deadlines: DeadlinePolicy
    private let clock: any WallClock

    package init(store: any RequestStore, deadlines: DeadlinePolicy, clock: any WallClock) {
        self.store = store
        self.deadlines = deadlines
        self.clock = clock
    }

    package enum Outcome: Sendable, Equatable {
        case extended(DSRRequest)
        case unknownRequest
        /// The subject is owed nothing any more (served, cancelled or resolved): there is no deadline to extend.
        case notExtendable(RequestState)
        case alreadyExtended
        /// The deadline passed: the law allows an extension only within the first period.
        case deadlinePassed
    }

    package func extend(id: UUID, reason: String, principal: String?) async throws -> Outcome {
        let at = clock.now
        let refusal = Mutex<Outcome?>(nil)
        let stored = try await store.update(id: id) { request in
            let problem: Outcome? =
                if !request.owesSubject { .notExtendable(request.state) } else if request.deadlineExtension != nil {
                    .alreadyExtended
                } else if request.deadline <= at { .deadlinePassed } else { nil }
            if let problem {
                refusal.withLock { $0 = problem }
                return []
            }
            let previous = request.deadline
            request.deadline = deadlines.extended(for: request.regulation, receivedAt: request.receivedAt)
            request.deadlineExtension = DeadlineExtension(
                reason: reason, at: at, principal: principal, previousDeadline: previous)
            request.updatedAt = at
            return [
                AuditEntry(
                    at: at, actor: .operator_, event: .deadlineExtended,
                    detail:
                        "deadline extended from \(Timestamp.format(previous)) to \(Timestamp.format(request.deadline))",
                    principal: principal)
            ]
        }
        guard let stored else { return .unknownRequest }
        return refusal.withLock { $0 } ?? .extended(stored)
    }
}
