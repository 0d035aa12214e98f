import DSRCore
import Foundation
import Persistence
import Testing
import TestSupport
import Workers

/// `privacy.retain_subject_days`: a request that owes its subject nothing any more has its subject id and email erased
/// once the period has run since it finished; one still owed keeps them. Both engines.
@Suite("Subject retention")
struct SubjectRetentionTests {
    private typealias F = RequestFixtures

    @Test(arguments: StoreEngine.allCases)
    func servedRequestsLoseTheirSubjectAfterTheRetentionPeriodAndOwedOnesKeepIt(engine: StoreEngine) async throws {
        try await engine.withDatabase { database in
            try await database.withStore { store in
                func stored(_ state: RequestState, type: RequestType = .erasure, at finished: Date) async throws
                    -> DSRRequest
                {
                    var request = F.request()
                    request.type = type
                    request.subject = SubjectIdentity(
                        customerId: SubjectSealingTests.customerId, email: "x@example.com")
                    let created = try await store.create(request)
                    return try #require(
                        try await store.update(id: created.id) { request in
                            request.state = state
                            request.updatedAt = finished
                            return [AuditEntry(at: finished, actor: .callback, event: .stateChanged, toState: state)]
                        })
                }
                let day: TimeInterval = 86_400
                let served = try await stored(.completed, at: F.t0)
                let cancelled = try await stored(.cancelled, at: F.t0)
                let recent = try await stored(.completed, at: F.t0 + 20 * day)
                // Completed without results for the subject, and failed: still owed, whatever their age.
                let unserved = try await stored(.completed, type: .access, at: F.t0)
                let failed = try await stored(.failed, at: F.t0)

                let clock = ManualWallClock(F.t0 + 31 * day)
                let retention = SubjectRetention(store: store, retention: 30 * day, clock: clock, logger: .quiet)
                #expect(try await retention.eraseDue() == 2)
                for id in [served.id, cancelled.id] {
                    let erased = try #require(try await store.request(id: id))
                    #expect(erased.subject == SubjectIdentity(customerId: "", email: nil))
                    #expect(erased.subjectErasedAt == clock.now)
                    let last = try await store.auditTrail(id: id).last
                    #expect(last?.event == .subjectErased && last?.actor == .retention)
                }
                for kept in [recent, unserved, failed] {
                    #expect(try await store.request(id: kept.id)?.subject.customerId == SubjectSealingTests.customerId)
                }
                // Nothing is erased twice.
                #expect(try await retention.eraseDue() == 0)
            }
        }
    }
}
