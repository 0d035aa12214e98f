import AuditLog
import DSRCore
import Foundation
import Persistence
import Testing

/// What every `RequestStore` engine promises about creating, reading and updating requests.
@Suite("RequestStore contract: create, read, update")
struct RequestStoreContractTests {
    private typealias F = RequestFixtures

    private struct Refused: Error {}

    @Test(arguments: StoreEngine.allCases)
    func createThenReadRoundTripsEveryField(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let request = F.fullyPopulated()
            let audit = AuditEntry(
                at: F.t0, actor: .baton, event: .received, fromState: .queued, toState: .inProgress, detail: "d",
                principal: "baton-key")
            let outcome = try await store.create(request, audit: audit)
            #expect(outcome == .created(request))
            #expect(try await store.request(id: request.id) == request)
            #expect(try await store.auditTrail(id: request.id) == [audit])
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func everyInstantReadsBackExactly(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let now = Date()
            var request = F.request(receivedAt: now)
            request.deadline = DeadlinePolicy().deadline(for: .gdpr, receivedAt: now)
            request.nextAttemptAt = now + 0.000_000_3
            request.processor.receivedTime = Date(timeIntervalSince1970: 0)
            request.processor.expectedCompletionTime = .distantFuture
            request.updatedAt = Date(timeIntervalSinceReferenceDate: .ulpOfOne)
            let stored = try await store.create(request)
            #expect(stored == request)
            #expect(try await store.request(id: request.id) == request)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func unknownIDsReadAsNothing(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let unknown = UUID()
            let updated = try await store.update(id: unknown) { _ in
                Issue.record("the change ran for an unknown id")
                return []
            }
            #expect(updated == nil)
            #expect(try await store.request(id: unknown) == nil)
            #expect(try await store.requestWithTrail(id: unknown) == nil)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func createIsIdempotentByID(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let first = try await store.create(F.request(idempotencyKey: "key-a"))
            let other = try await store.create(F.request(idempotencyKey: "key-b"))
            // Same id as `first`, and the key of `other`: the id match wins, nothing is written.
            let retry = F.request(id: first.id, receivedAt: F.t0.addingTimeInterval(5), idempotencyKey: "key-b")
            #expect(try await store.create(retry, audit: F.accepted(retry)) == .existing(first))
            #expect(try await store.request(id: first.id) == first)
            #expect(try await store.request(id: other.id) == other)
            #expect(try await store.auditTrail(id: first.id).count == 1)
            #expect(try await store.countByState()[.queued] == 2)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func createIsIdempotentByKey(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let first = try await store.create(F.request(idempotencyKey: "key-a"))
            let retry = F.request(idempotencyKey: "key-a")
            #expect(try await store.create(retry, audit: F.accepted(retry)) == .existing(first))
            #expect(try await store.request(id: retry.id) == nil)
            #expect(try await store.auditTrail(id: retry.id).isEmpty)
            #expect(try await store.auditTrail(id: first.id).count == 1)
        }
    }

    /// Creations that arrive together share transactions (group commit); repeats of an id or key among them still
    /// create one request each, and the audit log gets one entry per request at consecutive positions.
    @Test(arguments: StoreEngine.allCases)
    func concurrentCreationsWithRepeatsCreateEachRequestOnce(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let originals = (0..<40).map { F.request(idempotencyKey: "key-\($0)") }
            // Each original, a retry of it, and a new id with its key, all at once.
            let offers = originals.flatMap { original in
                [
                    original, F.request(id: original.id, idempotencyKey: original.idempotencyKey),
                    F.request(idempotencyKey: original.idempotencyKey),
                ]
            }
            let outcomes = try await withThrowingTaskGroup(of: (Int, CreateOutcome).self) { group in
                for (index, offer) in offers.enumerated() {
                    group.addTask { (index, try await store.create(offer, audit: F.accepted(offer))) }
                }
                return try await group.reduce(into: [Int: CreateOutcome]()) { $0[$1.0] = $1.1 }
            }
            var created: [UUID: DSRRequest] = [:]
            for outcome in outcomes.values {
                if case .created(let request) = outcome { created[request.id] = request }
            }
            // One request per original's id or key, whichever offer of its three won.
            #expect(created.count == 40)
            for (index, original) in originals.enumerated() {
                let answers = (3 * index..<3 * index + 3).compactMap { outcomes[$0] }
                let stored = answers.map(\.request.id)
                #expect(Set(stored).count == 1, "the three offers of one request saw different requests")
                let winner = try #require(try await store.request(id: stored[0]))
                #expect(winner.idempotencyKey == original.idempotencyKey)
                #expect(try await store.auditTrail(id: winner.id).count == 1)
            }
            let head = try await store.auditLogHead()
            #expect(head.size == 40)
            #expect(try await store.auditLogRows(from: 0, to: 40).map(\.position) == (0..<40).map { $0 })
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func updateWritesTheRowAndItsAuditEntriesTogether(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let request = try await store.create(F.request())
            let at = F.t0.addingTimeInterval(60)
            let updated = try #require(try await store.update(id: request.id, F.move(to: .pending, at: at)))
            #expect(updated.state == .pending)
            #expect(updated.updatedAt == at)
            let (stored, trail) = try #require(try await store.requestWithTrail(id: request.id))
            #expect(stored == updated)
            #expect(try await store.request(id: request.id) == updated)
            #expect(trail.map(\.event) == [.received, .stateChanged])
            #expect(trail.last?.fromState == .queued)
            #expect(trail.last?.toState == .pending)
        }
    }

    /// Updates that arrive together share transactions (group commit on PostgreSQL); each is still all or nothing, and
    /// several of one request apply one after another, as if alone.
    @Test(arguments: StoreEngine.allCases)
    func concurrentUpdatesEachApplyWholeOrNotAtAll(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            var requests: [DSRRequest] = []
            for _ in 0..<8 { requests.append(try await store.create(F.request())) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for request in requests {
                    for attempt in 0..<6 {
                        group.addTask {
                            do {
                                try await store.update(id: request.id) { changed in
                                    // Every third change refuses, after changing the copy: nothing of it may land.
                                    changed.attempts += 1
                                    if attempt % 3 == 2 { throw Refused() }
                                    return [AuditEntry(at: F.t0, actor: .dispatcher, event: .stateChanged)]
                                }
                            } catch is Refused {}
                        }
                    }
                }
                try await group.waitForAll()
            }
            for request in requests {
                #expect(try await store.request(id: request.id)?.attempts == 4)
                #expect(try await store.auditTrail(id: request.id).count == 5)
            }
            #expect(try await store.auditLogHead().size == 8 * 5)
            #expect(try await store.auditLogRows(from: 0, to: 40).map(\.position) == (0..<40).map { $0 })
        }
    }

    /// What the processor said is kept with the change it caused, and the change's entries carry its digest; a change
    /// that writes nothing keeps nothing.
    @Test(arguments: StoreEngine.allCases)
    func anExchangeIsKeptWithTheChangeItCaused(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let request = try await store.create(F.request())
            let callback = ProcessorExchange(
                kind: .callback, at: F.t0.addingTimeInterval(30), received: Array("{\"a\":\u{0}1}".utf8) + [0xff],
                signature: "c2ln", domain: "opendsr.mparticle.com", chainPEM: "-----BEGIN CERTIFICATE-----")
            _ = try await store.update(id: request.id, recording: callback) { _ in [] }
            #expect(try await store.exchanges(id: request.id).isEmpty)
            try await store.update(id: request.id, recording: callback, F.move(to: .pending, at: F.t0))
            #expect(try await store.exchanges(id: request.id) == [callback])
            let trail = try await store.auditTrail(id: request.id)
            #expect(trail.first?.evidence == nil)
            #expect(trail.last?.evidence == EvidenceRecord.digest(requestID: request.id, exchange: callback))
            // The digest is part of the leaf the log stored.
            let rows = try await store.auditLogRows(from: 0, to: 2)
            #expect(rows.last?.entry.evidence == trail.last?.evidence)
            #expect(rows.allSatisfy { $0.problem(hashedFrom: 0) == nil })
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func aThrowingChangeWritesNothing(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let request = try await store.create(F.request())
            await #expect(throws: Refused.self) {
                try await store.update(id: request.id) { request in
                    request.state = .failed
                    request.attempts = 9
                    throw Refused()
                }
            }
            #expect(try await store.request(id: request.id) == request)
            #expect(try await store.auditTrail(id: request.id).count == 1)
            // The failed transaction left the connection usable.
            #expect(try await store.update(id: request.id, F.move(to: .pending, at: F.t0))?.state == .pending)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func aChangeWithoutAuditEntriesWritesNothing(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let request = try await store.create(F.request())
            let returned = try await store.update(id: request.id) { request in
                request.state = .completed
                request.updatedAt = F.t0.addingTimeInterval(3600)
                return []
            }
            #expect(returned == request)
            #expect(try await store.request(id: request.id) == request)
            #expect(try await store.auditTrail(id: request.id).count == 1)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func lateOrRepeatedCallbacksNeverMoveARequestBack(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let request = try await store.create(F.request())
            let progressed = try await store.update(id: request.id, F.move(to: .inProgress, at: F.t0 + 10))
            // A late "pending" and a repeated "in_progress" arrive afterwards.
            #expect(try await store.update(id: request.id, F.move(to: .pending, at: F.t0 + 20)) == progressed)
            #expect(try await store.update(id: request.id, F.move(to: .inProgress, at: F.t0 + 30)) == progressed)
            #expect(try await store.request(id: request.id)?.state == .inProgress)
            #expect(try await store.auditTrail(id: request.id).count == 2)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func theIDCannotBeChanged(engine: StoreEngine) async throws {
        try await engine.withStore { store in
            let request = try await store.create(F.request())
            await #expect(throws: StoreError(code: .idChanged, column: "id")) {
                try await store.update(id: request.id) { request in
                    request.id = UUID()
                    return [AuditEntry(at: F.t0, actor: .operator_, event: .stateChanged)]
                }
            }
            #expect(try await store.request(id: request.id) == request)
        }
    }
}
