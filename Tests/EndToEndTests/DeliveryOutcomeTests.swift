import BackgroundWork
import DSRCore
import Foundation
import GatewayApp
import GatewayHTTP
import GatewayTools
import NIOHTTP1
import ProcessorSimulator
import Testing
import OpenDSR
import Persistence
import TestSupport
import Workers

/// How the dispatcher answers each processor refusal (docs/upstream-apis.md, "Errors"), over loopback against the
/// simulator.
@Suite struct DeliveryOutcomeTests {
    /// The processor refuses a second request for a subject and type it has in progress (409): ours follows the first
    /// one and completes with it; one it cannot match to a request of ours still fails, with the reason.
    @Test func aSecondInProgressRequestForTheSameSubjectFollowsTheFirstAndCompletesWithIt() async throws {
        // The poller re-reads what has not moved for 6 hours (the harness otherwise leaves it to callbacks).
        try await GatewayHarness.with(gateway: { $0.reconciliation.staleAfter = 6 * 3600 }) { harness in
            let api = try await harness.api
            let first = try await api.submitted(regulation: "gdpr", type: "erasure", subjectId: "same-subject")
            try await harness.waitFor(first, state: "pending")
            let second = try await api.submitted(regulation: "gdpr", type: "erasure", subjectId: "same-subject")
            try await harness.eventually("the second follows the first") {
                try await api.send(.GET, "/data-subject-requests/\(second)").json.flatMap {
                    ($0["processor"] as? [String: any Sendable])?["follows"] as? String
                } == first
            }
            let following = try await api.request(second)
            #expect(following.state == "pending")
            #expect(following.audit.contains { $0.detail?.contains("(409): following it") == true })
            // The first completes at the processor (its callback), the second when the poller reads it under the
            // first one's id.
            try await harness.advance(days: 10)
            try await harness.waitFor(first, state: "completed")
            let completed = try await harness.waitFor(second, state: "completed")
            #expect(completed.audit.contains { $0.actor == "poller" && $0.toState == "completed" })
        }
    }

    /// A follower is cancelled here alone (mParticle knows only the request it follows); and when the request it
    /// follows is cancelled, the follower fails, so its subject stays on the deadline watch and someone is told.
    @Test func aFollowerIsCancelledHereAndFailsWhenTheRequestItFollowsIsCancelled() async throws {
        try await GatewayHarness.with(gateway: { $0.reconciliation.staleAfter = 6 * 3600 }) { harness in
            let api = try await harness.api
            let first = try await api.submitted(regulation: "gdpr", type: "erasure", subjectId: "followed")
            try await harness.waitFor(first, state: "pending")
            let withdrawn = try await api.submitted(regulation: "gdpr", type: "erasure", subjectId: "followed")
            let left = try await api.submitted(regulation: "gdpr", type: "erasure", subjectId: "followed")
            for follower in [withdrawn, left] {
                try await harness.eventually("it follows the first") {
                    try await api.request(follower).audit.contains { $0.detail?.contains("following it") == true }
                }
            }
            let cancelled = try await api.send(.DELETE, "/data-subject-requests/\(withdrawn)")
            #expect(cancelled.status == 200)
            #expect(try await api.request(first).state == "pending")

            #expect(try await api.send(.DELETE, "/data-subject-requests/\(first)").status == 200)
            try await harness.advance(by: 7 * 3600)
            let failed = try await harness.waitFor(left, state: "failed")
            #expect(failed.lastError?.contains("\(first)) was cancelled") == true)
            #expect(try await api.request(withdrawn).state == "cancelled")
        }
    }

    @Test func aDuplicateTheGatewayDoesNotKnowFailsWithTheReason() async throws {
        try await GatewayHarness.with { harness in
            let first = try await harness.api.submitted(
                regulation: "gdpr", type: "erasure", subjectId: "known-elsewhere")
            try await harness.waitFor(first, state: "pending")
            // The first is failed here only (as if it had been sent by another controller tool): the processor still
            // has it in progress, the gateway no longer does. Edited with the gateway stopped, as a second writer on
            // a live database would wait on its locks in the shared SQLite thread pool.
            try await harness.stopGateway()
            let store = try await SQLiteRequestStore.open(path: harness.storePath, logger: GatewayHarness.quietLogger)
            _ = try await store.update(id: try #require(UUID(uuidString: first))) { request in
                request.fail(reason: "withdrawn in this test", actor: .api, at: harness.clock.now)
            }
            try await store.close()
            let api = try await harness.startGateway()
            let second = try await api.submitted(regulation: "gdpr", type: "erasure", subjectId: "known-elsewhere")
            let failed = try await harness.waitFor(second, state: "failed")
            #expect(failed.lastError?.contains("409") == true)
            #expect(failed.audit.contains { $0.toState == "failed" && $0.actor == "dispatcher" })
        }
    }

    @Test func aRequestWhoseDeliveryMayHaveReachedTheProcessorIsNotCancelledOnlyLocally() async throws {
        try await GatewayHarness.with { harness in
            harness.simulator.setFaults(SimulatorFaults(serverErrorFraction: 1))
            let api = try await harness.api
            let id = try await api.submitted(regulation: "gdpr", type: "erasure", subjectId: "cancel-while-retrying")
            try await harness.eventually("an attempt failed") { try await api.request(id).lastError != nil }
            let answer = try await api.send(.DELETE, "/data-subject-requests/\(id)")
            #expect(answer.status == 409)
            #expect((answer.json?["error"] as? [String: any Sendable])?["code"] as? String == "delivery_in_progress")
            #expect(try await api.request(id).state == "queued")
        }
    }
}

/// Degraded mode: an outage opens the circuit, submissions keep being accepted and queued, and the queue drains
/// once a probe finds the processor back.
@Suite struct DegradedModeTests {
    @Test func anOutageBecomesQueuedWorkThatDrainsAfterwards() async throws {
        // The test reads its requests back as fast as it can while it waits (up to eight reads every 10 ms): on a busy
        // machine a wait of a second outran the per-key limit and the test saw its own 429, not the gateway's work.
        try await GatewayHarness.with(gateway: { $0.inbound.requestsPerSecondPerKey = 1_000_000 }) { harness in
            harness.simulator.setFaults(SimulatorFaults(serverErrorFraction: 1))
            let api = try await harness.api
            var ids: [String] = []
            for index in 0..<8 {
                ids.append(try await api.submitted(regulation: "gdpr", type: "erasure", subjectId: "outage-\(index)"))
            }
            let submitted = ids
            // Time moves as in production: requests whose attempt failed come due again and meet the open circuit
            // (when every request went out before it opened, nothing else would).
            try await harness.eventually("the circuit opens") {
                try await harness.advance(by: 1)
                return try await submitted.asyncContains {
                    try await api.request($0).lastError?.contains("circuit open") == true
                }
            }
            let accepted = try await api.send(
                .POST, "/data-subject-requests", json: ["regulation": "gdpr", "type": "access", "subjectId": "late"])
            #expect(accepted.status == 202)
            // The outage lasts a few more circuit periods: every pass holds the queue again (seen as the next attempt
            // moving on).
            for _ in 0..<4 {
                let before = try await api.request(submitted[0]).nextAttemptAt
                try await harness.advance(by: 31)
                try await harness.eventually("the dispatcher held the queue again") {
                    try await api.request(submitted[0]).nextAttemptAt != before
                }
            }
            harness.simulator.setFaults(.none)
            // Time moves on as in production: the circuit's probe succeeds and the held requests follow.
            try await harness.eventually("the queue drains") {
                try await harness.advance(by: 5)
                return try await submitted.asyncAllSatisfy { try await api.request($0).state == "pending" }
            }
            let heldAndAudited = try await submitted.asyncContains { id in
                try await api.request(id).audit.contains { $0.detail?.contains("circuit open") == true }
            }
            #expect(heldAndAudited)
            // A hold repeating the reason already recorded moves the next attempt without a new audit row.
            for id in submitted {
                let reasons = try await api.request(id).audit.filter { $0.event == "delivery_retry_scheduled" }
                    .compactMap { $0.detail?.components(separatedBy: "; next attempt").first }
                let repeatedHolds = zip(reasons, reasons.dropFirst()).filter { $0 == $1 && $0.hasPrefix("not sent") }
                #expect(repeatedHolds.isEmpty, "\(reasons)")
            }
        }
    }
}

extension Array where Element: Sendable {
    func asyncContains(_ predicate: (Element) async throws -> Bool) async rethrows -> Bool {
        for element in self where try await predicate(element) { return true }
        return false
    }
}
