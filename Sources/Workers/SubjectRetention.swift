import BackgroundWork
import DSRCore
import Foundation
import Logging
import Persistence
import ServiceLifecycle

/// Erases the subject id and email of every request that has owed its subject nothing for `privacy.retain_subject_days`
/// (served, cancelled, or resolved by a person), so the store keeps personal data no longer than the request needs
/// it. The keyed hash of the customer id stays (lookups and evidence still match), and the audit trail records the
/// erasure. Idempotent and safe with several instances: each erasure is one transaction that checks first.
package struct SubjectRetention: Service {
    private let store: any RequestStore
    private let retention: TimeInterval
    private let interval: TimeInterval
    private let clock: any WallClock
    private let logger: Logger

    /// `retention`: seconds after a request last changed (finished) before its subject is erased; `interval`: how often
    /// to look.
    package init(
        store: any RequestStore, retention: TimeInterval, interval: TimeInterval = 3600, clock: any WallClock,
        logger: Logger
    ) {
        self.store = store
        self.retention = retention
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    package func run() async throws {
        await repeatUntilShutdown(every: interval, on: clock.timer, name: "subject retention", logger: logger) {
            try await eraseDue() == Self.batch
        }
    }

    static let batch = 100

    /// Erases one batch of due subjects; returns how many were erased. A request that cannot be erased (its row does
    /// not decode) is logged and left for the next pass, without holding up the others.
    @discardableResult
    package func eraseDue() async throws -> Int {
        let now = clock.now
        let days = Int((retention / 86_400).rounded())
        let due = try await store.subjectsDueForErasure(
            finishedBefore: now.addingTimeInterval(-retention), limit: Self.batch)
        var erased = 0
        for id in due {
            let stored: DSRRequest?
            do {
                stored = try await store.update(id: id) { request in
                    guard request.subjectErasedAt == nil, !request.owesSubject, request.state.isTerminal else {
                        return []
                    }
                    request.subject = SubjectIdentity(customerId: "", email: nil)
                    request.subjectErasedAt = now
                    request.updatedAt = now
                    return [
                        AuditEntry(
                            at: now, actor: .retention, event: .subjectErased,
                            detail:
                                "subject id and email erased \(days) days after the request finished; a keyed hash stays"
                        )
                    ]
                }
            } catch let error as StoreError where error.code != .unavailable {
                logger.error(
                    "subject not erased", metadata: ["dsr.id": "\(id.uuidString.lowercased())", "error": "\(error)"])
                continue
            }
            if stored?.subjectErasedAt == now { erased += 1 }
        }
        if erased > 0 { logger.info("subjects erased", metadata: ["retention.count": "\(erased)"]) }
        return erased
    }
}
