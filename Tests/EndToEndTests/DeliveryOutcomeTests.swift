import BackgroundWork
import DSRCore
import Foundation
import GatewayApp
import GatewayTools
import NIOHTTP1
import ProcessorSimulator
import Testing
import OpenDSR
import TestSupport
import Workers

/// How the dispatcher answers each processor refusal (docs/upstream-apis.md, "Errors"), over loopback against the
/// simulator.
@Suite struct DeliveryOutcomeTests {
    @Test func aSecondInProgressRequestForTheSameSubjectFailsWithTheReason() async throws {
        try await GatewayHarness.with { harness in
            let api = try await harness.api
            let first = try await api.submitted(regulation: "gdpr", type: "erasure", subjectId: "same-subject")
            try await harness.waitFor(first, state: "pending")
            let second = try await api.submitted(regulation: "gdpr", type: "erasure", subjectId: "same-subject")
            let failed = try await harness.waitFor(second, state: "failed")
            #expect(failed.lastError?.contains("409") == true)
            #expect(failed.audit.contains { $0.toState == "failed" && $0.actor == "dispatcher" })
            #expect(try await api.request(first).state == "pending")
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
        try await GatewayHarness.with { harness in
            harness.simulator.setFaults(SimulatorFaults(serverErrorFraction: 1))
            let api = try await harness.api
            var ids: [String] = []
            for index in 0..<8 {
                ids.append(try await api.submitted(regulation: "gdpr", type: "erasure", subjectId: "outage-\(index)"))
            }
            let submitted = ids
            try await harness.eventually("the circuit opens") {
                try await submitted.asyncContains {
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
