import DSRCore
import Foundation
import GatewayTools
import NIOHTTP1
import Persistence
import Testing
import TestSupport

/// `POST /data-subject-requests/{id}/resolution`: a person closes a failed request; until then it stays on the deadline
/// watch.
@Suite struct ResolutionTests {
    @Test func aFailedRequestStaysAtRiskUntilAPersonResolvesIt() async throws {
        try await GatewayHarness.with { harness in
            let api = try await harness.api
            let inFlight = try await api.submitted(regulation: "gdpr", type: "erasure", subjectId: "resolution-1")
            let failing = try await api.submitted(regulation: "gdpr", type: "erasure", subjectId: "resolution-2")
            try await harness.waitFor(failing, state: "pending")
            // Failed behind the gateway's back, as a refusal by the processor would leave it.
            let store = try await SQLiteRequestStore.open(path: harness.storePath, logger: GatewayHarness.quietLogger)
            _ = try await store.update(id: try #require(UUID(uuidString: failing))) { request in
                request.fail(
                    reason: "the processor refused the request as invalid", actor: .dispatcher, at: harness.clock.now)
            }
            func atRisk() async throws -> Set<String> {
                Set(try await store.atRisk(deadlineBefore: .distantFuture, limit: 100).map(\.subjectRequestId))
            }
            #expect(try await atRisk().contains(failing))

            let path = "/data-subject-requests/\(failing)/resolution"
            func code(_ answer: GatewayAPIClient.Answer) -> String? {
                (answer.json?["error"] as? [String: any Sendable])?["code"] as? String
            }
            let missing = try await api.send(.POST, path, json: ["reason": "done by hand"])
            #expect(missing.status == 400 && code(missing) == "missing_field")
            let badOutcome = try await api.send(.POST, path, json: ["outcome": "done", "reason": "done by hand"])
            #expect(badOutcome.status == 400 && code(badOutcome) == "invalid_field")
            let emptyReason = try await api.send(.POST, path, json: ["outcome": "refused", "reason": "  "])
            #expect(emptyReason.status == 400 && code(emptyReason) == "invalid_field")
            let inFlightAnswer = try await api.send(
                .POST, "/data-subject-requests/\(inFlight)/resolution",
                json: ["outcome": "withdrawn", "reason": "the subject withdrew"])
            #expect(inFlightAnswer.status == 409 && code(inFlightAnswer) == "not_resolvable")
            #expect(try await atRisk().contains(failing))

            let resolved = try await api.send(
                .POST, path, json: ["outcome": "fulfilled_otherwise", "reason": "erased by hand in the warehouse"])
            #expect(resolved.status == 200)
            let resolution = resolved.json?["resolution"] as? [String: any Sendable]
            #expect(resolution?["outcome"] as? String == "fulfilled_otherwise")
            #expect(resolution?["principal"] as? String == "dev")
            let last = (resolved.json?["audit"] as? [[String: any Sendable]])?.last
            #expect(last?["event"] as? String == "resolved" && last?["principal"] as? String == "dev")
            #expect(!(try await atRisk().contains(failing)))
            #expect(try await atRisk().contains(inFlight))

            let again = try await api.send(.POST, path, json: ["outcome": "refused", "reason": "twice"])
            #expect(again.status == 409 && code(again) == "already_resolved")
            try await store.close()
        }
    }
}
