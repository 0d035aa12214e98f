import DSRCore
import Foundation
import Logging
import Persistence

/// Records a status the processor reported (callback or poll) on a stored request, forward-only and idempotent.
package struct ProcessorReportRecorder: Sendable {
    private let store: any RequestStore
    private let clock: any WallClock

    package init(store: any RequestStore, clock: any WallClock) {
        self.store = store
        self.clock = clock
    }

    /// The result of recording a report.
    package enum Outcome: Sendable, Equatable {
        /// The request moved or learnt new processor fields.
        case applied(DSRRequest)
        /// A replay or an older status: nothing changed.
        case unchanged(DSRRequest)
        case unknownRequest
    }

    package func record(
        state: RequestState, fields: ProcessorFields, for id: UUID, actor: AuditEntry.Actor
    ) async throws -> Outcome {
        let before = try await store.request(id: id)
        guard before != nil else { return .unknownRequest }
        let at = clock.now
        guard
            let after = try await store.update(
                id: id,
                { request in
                    request.applyProcessorReport(state: state, fields: fields, actor: actor, at: at)
                })
        else { return .unknownRequest }
        return after == before ? .unchanged(after) : .applied(after)
    }
}
