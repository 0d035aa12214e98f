import DSRCore
import Foundation
import Persistence
import Testing

/// What every `RequestStore` engine promises to the dispatcher, the poller, listings, and under load.
@Suite("RequestStore contract: queue, queries, concurrency, durability")
struct RequestStoreQueueTests {
    private typealias F = RequestFixtures

    @Test(arguments: StoreEngine.allCases)
    func claimDueLeasesOldestDueQueuedRequests(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let older = try await store.create(F.request(receivedAt: F.t0))
            let newer = try await store.create(F.request(receivedAt: F.t0 + 1))
            var notYetDue = F.request(receivedAt: F.t0 - 10)
            notYetDue.nextAttemptAt = F.t0 + 100
            try await store.create(notYetDue)
            _ = try await store.seed(.pending, receivedAt: F.t0 - 20, updatedAt: F.t0)

            let now = F.t0 + 5
            let lease = now + 30
            let first = try await store.claimDue(at: now, leaseUntil: lease, limit: 1)
            #expect(first.map(\.id) == [older.id])
            #expect(first.first?.nextAttemptAt == lease)
            #expect(try await store.request(id: older.id)?.nextAttemptAt == lease)
            #expect(try await store.claimDue(at: now, leaseUntil: lease, limit: 10).map(\.id) == [newer.id])
            // Claimed requests are invisible to other claims until their lease ends…
            #expect(try await store.claimDue(at: lease - 0.001, leaseUntil: lease + 30, limit: 10).isEmpty)
            // …and come back, oldest first, once it has.
            let again = try await store.claimDue(at: lease, leaseUntil: lease + 30, limit: 10)
            #expect(again.map(\.id) == [older.id, newer.id])
            #expect(again.allSatisfy { $0.nextAttemptAt == lease + 30 && $0.updatedAt == $0.receivedAt })
            // Due order is arrival order, not lease order.
            let later = try await store.claimDue(at: F.t0 + 100, leaseUntil: F.t0 + 130, limit: 10)
            #expect(later.map(\.id) == [notYetDue.id, older.id, newer.id])
            #expect(try await store.claimDue(at: F.t0 + 1000, leaseUntil: F.t0 + 1030, limit: 0).isEmpty)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func inProgressAtProcessorFindsTheSubjectsDeliveredRequestsOfTheType(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            func stored(_ state: RequestState, type: RequestType = .erasure, customer: String = "twin", at: Double)
                async throws -> DSRRequest
            {
                var request = F.request(receivedAt: F.t0 + at)
                request.subject = SubjectIdentity(customerId: customer)
                request.type = type
                let created = try await store.create(request)
                guard state != .queued else { return created }
                return try #require(try await store.update(id: created.id, F.move(to: state, at: F.t0 + at)))
            }
            let inProgress = try await stored(.inProgress, at: 2)
            let pending = try await stored(.pending, at: 1)
            _ = try await stored(.queued, at: 0)
            _ = try await stored(.completed, at: 0)
            _ = try await stored(.pending, type: .access, at: 0)
            _ = try await stored(.pending, customer: "someone else", at: 0)
            // A request that already follows another is not followed in turn; what it follows survives a write.
            var follower = try await stored(.pending, at: 3)
            follower = try #require(
                try await store.update(id: follower.id) { request in
                    request.processor.follows = pending.id
                    return [AuditEntry(at: F.t0 + 4, actor: .dispatcher, event: .processorFieldsUpdated)]
                })
            #expect(try await store.request(id: follower.id)?.processor.follows == pending.id)

            let found = try await store.inProgressAtProcessor(customerId: "twin", type: .erasure)
            #expect(found.map(\.id) == [pending.id, inProgress.id])
            #expect(try await store.inProgressAtProcessor(customerId: "nobody", type: .erasure).isEmpty)
        }
    }

    /// The deadline watch keeps what still owes the subject something, until a person resolves it; the SQL and
    /// ``DSRRequest/owesSubject`` agree on every case.
    @Test(arguments: StoreEngine.allCases)
    func theDeadlineWatchKeepsWhatIsOwedUntilAPersonResolvesIt(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            func stored(
                _ state: RequestState, _ type: RequestType = .access, results: ResultsStatus? = nil,
                resolved: Bool = false
            ) async throws -> DSRRequest {
                var request = F.request(receivedAt: F.t0)
                request.type = type
                request.deadline = F.t0 + 86_400
                let created = try await store.create(request)
                return try #require(
                    try await store.update(id: created.id) { request in
                        request.state = state
                        request.results.status = results
                        if resolved {
                            request.resolution = Resolution(
                                outcome: .refused, reason: "identity not verified", at: F.t0 + 5, principal: "admin")
                        }
                        return [AuditEntry(at: F.t0 + 1, actor: .operator_, event: .stateChanged, toState: state)]
                    })
            }
            let owed = [
                try await stored(.awaitingApproval), try await stored(.queued), try await stored(.failed, .erasure),
                try await stored(.completed),
                try await stored(.completed, results: .expired), try await stored(.completed, results: .failed),
            ]
            let notOwed = [
                try await stored(.completed, .erasure), try await stored(.completed, results: .stored),
                try await stored(.completed, results: .noData), try await stored(.completed, results: .deleted),
                try await stored(.cancelled), try await stored(.failed, .erasure, resolved: true),
            ]
            #expect(owed.allSatisfy(\.owesSubject) && !notOwed.contains(where: \.owesSubject))
            let atRisk = try await store.atRisk(deadlineBefore: F.t0 + 2 * 86_400, limit: 100)
            #expect(Set(atRisk.map(\.id)) == Set(owed.map(\.id)))
            let counts = try await store.deadlineCounts(at: F.t0 + 2 * 86_400, atRiskWithin: 86_400, imminentWithin: 0)
            #expect(counts.passed == owed.count)
            // The resolution reads back whole.
            #expect(try await store.request(id: notOwed.last!.id)?.resolution?.principal == "admin")
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func queueSummaryCountsQueuedRequestsAndFindsTheOldest(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            #expect(try await store.queueSummary() == QueueSummary(depth: 0, oldestQueuedAt: nil))
            try await store.create(F.request(receivedAt: F.t0 + 5))
            try await store.create(F.request(receivedAt: F.t0 + 2))
            _ = try await store.seed(.pending, receivedAt: F.t0 - 20, updatedAt: F.t0)
            _ = try await store.seed(.failed, receivedAt: F.t0 - 30, updatedAt: F.t0)
            #expect(try await store.queueSummary() == QueueSummary(depth: 2, oldestQueuedAt: F.t0 + 2))
            // The health probe commits and reads back, touching no request; overlapping probes each read their own
            // write (they once shared one row, and one in eight of 64 concurrent /health calls answered 503).
            #expect(try await store.probe(at: F.t0) == F.t0)
            try await withThrowingTaskGroup(of: (sent: Date, seen: Date?).self) { group in
                for offset in 1...32 {
                    group.addTask { (F.t0 + Double(offset), try await store.probe(at: F.t0 + Double(offset))) }
                }
                for try await probe in group { #expect(probe.seen == probe.sent) }
            }
            #expect(try await store.queueSummary() == QueueSummary(depth: 2, oldestQueuedAt: F.t0 + 2))
            #expect(try await store.countByState()[.queued] == 2)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func claimStaleLeasesOnlyPendingAndInProgressNotUpdatedSince(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let received = F.t0 - 1000
            let oldPending = try await store.seed(.pending, receivedAt: received, updatedAt: F.t0)
            let oldInProgress = try await store.seed(.inProgress, receivedAt: received, updatedAt: F.t0 + 1)
            _ = try await store.seed(.pending, receivedAt: received, updatedAt: F.t0 + 100)
            _ = try await store.seed(.queued, receivedAt: F.t0 - 50, updatedAt: F.t0 - 50)
            _ = try await store.seed(.completed, receivedAt: received, updatedAt: F.t0)
            _ = try await store.seed(.failed, receivedAt: received, updatedAt: F.t0)

            #expect(
                try await store.claimStale(notUpdatedSince: F.t0, dueAt: F.t0, leaseUntil: F.t0 + 5, limit: 10).isEmpty)
            let first = try await store.claimStale(
                notUpdatedSince: F.t0 + 50, dueAt: F.t0 + 50, leaseUntil: F.t0 + 55, limit: 1)
            #expect(first.map(\.id) == [oldPending.id])
            // A claimed request is no other poller's until its lease ends.
            let rest = try await store.claimStale(
                notUpdatedSince: F.t0 + 50, dueAt: F.t0 + 50, leaseUntil: F.t0 + 55, limit: 10)
            #expect(rest.map(\.id) == [oldInProgress.id])
            let again = try await store.claimStale(
                notUpdatedSince: F.t0 + 50, dueAt: F.t0 + 55, leaseUntil: F.t0 + 60, limit: 10)
            #expect(again.map(\.id) == [oldPending.id, oldInProgress.id])
            #expect(again.allSatisfy { $0.nextAttemptAt == F.t0 + 60 })
            #expect(again.first?.updatedAt == oldPending.updatedAt)

            try await store.setNextAttempt(id: oldPending.id, at: F.t0 + 100)
            let rescheduled = try await store.claimStale(
                notUpdatedSince: F.t0 + 50, dueAt: F.t0 + 60, leaseUntil: F.t0 + 70, limit: 10)
            #expect(rescheduled.map(\.id) == [oldInProgress.id])
            #expect(
                try await store.auditTrail(id: oldPending.id).count
                    == (try await store.auditTrail(id: oldInProgress.id).count))
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func atRiskListsUnfinishedRequestsByNearestDeadline(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let day: TimeInterval = 86_400
            let pending = try await store.seed(.pending, receivedAt: F.t0, updatedAt: F.t0)
            let queued = try await store.create(F.request(receivedAt: F.t0 + 5 * day))
            _ = try await store.seed(.completed, receivedAt: F.t0 - 10 * day, updatedAt: F.t0)
            _ = try await store.seed(.cancelled, receivedAt: F.t0 - 10 * day, updatedAt: F.t0)

            #expect(try await store.atRisk(deadlineBefore: F.t0 + 32 * day, limit: 10) == [pending])
            #expect(try await store.atRisk(deadlineBefore: F.t0 + 40 * day, limit: 10) == [pending, queued])
            #expect(try await store.atRisk(deadlineBefore: F.t0 + 40 * day, limit: 1) == [pending])
            #expect(try await store.atRisk(deadlineBefore: F.t0 + 30 * day, limit: 10).isEmpty)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func listIsNewestFirstAndFiltersByStateAndSubmitter(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            var firstRequest = F.request(receivedAt: F.t0)
            firstRequest.principal = "support-tool"
            let first = try await store.create(firstRequest)
            let second = try await store.seed(.pending, receivedAt: F.t0 + 1, updatedAt: F.t0 + 2)
            let third = try await store.create(F.request(receivedAt: F.t0 + 3))

            #expect(try await store.list(states: nil, submittedBy: nil, limit: 10) == [third, second, first])
            #expect(try await store.list(states: nil, submittedBy: nil, limit: 2) == [third, second])
            #expect(try await store.list(states: [.queued], submittedBy: nil, limit: 10) == [third, first])
            #expect(try await store.list(states: [.pending, .completed], submittedBy: nil, limit: 10) == [second])
            #expect(try await store.list(states: [], submittedBy: nil, limit: 10).isEmpty)
            #expect(try await store.list(states: nil, submittedBy: "support-tool", limit: 10) == [first])
            #expect(try await store.list(states: [.queued], submittedBy: "support-tool", limit: 10) == [first])
            #expect(try await store.list(states: [.pending], submittedBy: "support-tool", limit: 10).isEmpty)
            #expect(try await store.list(states: nil, submittedBy: "someone-else", limit: 10).isEmpty)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func countByStateReportsEveryState(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let none = Dictionary(uniqueKeysWithValues: RequestState.allCases.map { ($0, 0) })
            #expect(try await store.countByState() == none)
            try await store.create(F.request())
            try await store.create(F.request())
            _ = try await store.seed(.pending, receivedAt: F.t0, updatedAt: F.t0)
            _ = try await store.seed(.failed, receivedAt: F.t0, updatedAt: F.t0)
            let counts = try await store.countByState()
            #expect(counts.count == RequestState.allCases.count)
            #expect(counts[.queued] == 2)
            #expect(counts[.pending] == 1)
            #expect(counts[.failed] == 1)
            #expect(counts[.inProgress] == 0)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func concurrentWritersLoseNothing(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let request = try await store.create(F.request())
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<50 {
                    group.addTask {
                        try await store.update(id: request.id) { request in
                            request.attempts += 1
                            return [
                                AuditEntry(at: F.t0 + Double(task), actor: .dispatcher, event: .deliveryRetryScheduled)
                            ]
                        }
                    }
                    group.addTask { try await store.create(F.request()) }
                    group.addTask { _ = try await store.request(id: request.id) }
                }
                try await group.waitForAll()
            }
            #expect(try await store.request(id: request.id)?.attempts == 50)
            #expect(try await store.auditTrail(id: request.id).count == 51)
            #expect(try await store.countByState()[.queued] == 51)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func committedDataIsInTheDatabaseNotTheProcess(engine: StoreEngine) async throws {
        try await engine.withDatabase { database in
            var expected: DSRRequest?
            try await database.withStore { store in
                let created = try await store.create(F.fullyPopulated())
                expected = try await store.update(id: created.id, F.move(to: .completed, at: F.t0 + 60))
                // A second, independent store sees the commit while the first is still open.
                try await database.withStore { second in
                    let seen = try await second.request(id: created.id)
                    #expect(seen == expected)
                }
            }
            let stored = try #require(expected)
            try await database.withStore { reopened in
                let read = try await reopened.request(id: stored.id)
                #expect(read == stored)
                #expect(try await reopened.auditTrail(id: stored.id).map(\.toState) == [.queued, .completed])
            }
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func instancesClaimingAtOnceNeverTakeTheSameRequest(engine: StoreEngine) async throws {
        try await engine.withDatabase { database in
            try await database.withStore { first in
                try await database.withStore { second in
                    var created: Set<UUID> = []
                    for index in 0..<60 {
                        created.insert(try await first.create(F.request(receivedAt: F.t0 + Double(index))).id)
                    }
                    // Three claimers on each of two stores (two instances) drain the queue together.
                    let claims = try await withThrowingTaskGroup(of: [UUID].self) { group in
                        for store in [first, second, first, second, first, second] {
                            group.addTask {
                                var mine: [UUID] = []
                                while true {
                                    let batch = try await store.claimDue(
                                        at: F.t0 + 100, leaseUntil: F.t0 + 200, limit: 4)
                                    if batch.isEmpty { return mine }
                                    mine += batch.map(\.id)
                                }
                            }
                        }
                        return try await group.reduce(into: [UUID]()) { $0 += $1 }
                    }
                    #expect(claims.count == created.count)
                    #expect(Set(claims) == created)
                }
            }
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func instancesInitiatingAtOnceForOneSubjectCreateOneRequest(engine: StoreEngine) async throws {
        try await engine.withDatabase { database in
            try await database.withStore { first in
                try await database.withStore { second in
                    let outcomes = try await withThrowingTaskGroup(of: CreateOutcome.self) { group in
                        for store in Array(repeating: [first, second], count: 5).joined() {
                            group.addTask {
                                var request = F.request()
                                request.subject = SubjectIdentity(customerId: "one-subject")
                                return try await store.createUnlessActive(request, audit: F.accepted(request))
                            }
                        }
                        return try await group.reduce(into: [CreateOutcome]()) { $0.append($1) }
                    }
                    let created = outcomes.filter { if case .created = $0 { true } else { false } }
                    #expect(created.count == 1)
                    #expect(Set(outcomes.map(\.request.id)).count == 1)
                    #expect(try await first.countByState()[.queued] == 1)
                }
            }
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func onlyARequestFromTheSameSourceIsJoined(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            var fromAPI = F.request()
            fromAPI.subject = SubjectIdentity(customerId: "shared-subject")
            _ = try await store.create(fromAPI, audit: F.accepted(fromAPI))
            var fromBaton = F.request()
            fromBaton.subject = fromAPI.subject
            fromBaton.source = .baton
            // Baton may not learn of (or join) another client's request: it gets its own.
            #expect(try await store.createUnlessActive(fromBaton, audit: F.accepted(fromBaton)) == .created(fromBaton))
            var again = F.request()
            again.subject = fromAPI.subject
            again.source = .baton
            #expect(try await store.createUnlessActive(again, audit: F.accepted(again)) == .existing(fromBaton))
        }
    }
}
