import DSRCore
import Foundation
import Logging
import Persistence
import Synchronization

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

    /// `known` is the request as the caller just read it (the poller has it), saving the read that decides whether
    /// anything may change. `evidence` (a callback as received) is kept with a change it causes, at the change's
    /// time; a report that changes nothing keeps nothing.
    package func record(
        state: RequestState, fields: ProcessorFields, for id: UUID, actor: AuditEntry.Actor, known: DSRRequest? = nil,
        evidence: ProcessorExchange? = nil
    ) async throws -> Outcome {
        let at = clock.now
        var evidence = evidence
        evidence?.at = at
        // Most reports repeat what is stored (callbacks come in batches, polls re-read): a read decides that without
        // taking the writer; anything that may change goes through the write transaction, which decides again.
        var read = known
        if read == nil { read = try await store.request(id: id) }
        guard let stored = read else { return .unknownRequest }
        var copy = stored
        if copy.applyProcessorReport(state: state, fields: fields, actor: actor, at: at).isEmpty {
            return .unchanged(stored)
        }
        let changed = Mutex(false)
        guard
            let after = try await store.update(
                id: id, recording: evidence,
                { request in
                    let entries = request.applyProcessorReport(state: state, fields: fields, actor: actor, at: at)
                    changed.withLock { $0 = !entries.isEmpty }
                    return entries
                })
        else { return .unknownRequest }
        return changed.withLock { $0 } ? .applied(after) : .unchanged(after)
    }
}
