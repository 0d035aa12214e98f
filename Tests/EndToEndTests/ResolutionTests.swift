import Foundation
import GatewayApp
import GatewayTools
import NIOHTTP1
import Operations
import Testing
import TestSupport
import Workers

/// `POST /data-subject-requests/{id}/resolution`: an access request completed at the processor whose results could not
/// be stored owes the subject their data, so it stays on the deadline watch until a person resolves it.
@Suite struct ResolutionTests {
    static func atRisk(_ api: GatewayAPIClient) async throws -> Double? {
        let scrape = try await api.send(.GET, "/metrics")
        return MetricsText(String(decoding: scrape.body, as: UTF8.self)).value("dsr_gateway_requests_deadline_at_risk")
    }

    static func code(_ answer: GatewayAPIClient.Answer) -> String? {
        (answer.json?["error"] as? [String: any Sendable])?["code"] as? String
    }

    @Test func anUnservedRequestStaysAtRiskUntilAPersonResolvesIt() async throws {
        // Archives over 100 bytes are refused: the access request completes without results for the subject.
        try await GatewayHarness.with(gateway: { $0.results.maxBytes = 100 }) { harness in
            let api = try await harness.api
            let access = try await api.submitted(regulation: "gdpr", type: "access", subjectId: "resolution-1")
            // A CCPA erasure (45 days): in flight, and never near its deadline in this test.
            let erasure = try await api.submitted(regulation: "ccpa", type: "erasure", subjectId: "resolution-2")
            let inFlight = try await api.send(
                .POST, "/data-subject-requests/\(erasure)/resolution",
                json: ["outcome": "withdrawn", "reason": "the subject withdrew"])
            #expect(inFlight.status == 409 && Self.code(inFlight) == "not_resolvable")

            try await harness.waitFor(access, state: "pending")
            try await harness.advance(days: 7)
            try await harness.eventually("the archive is refused") {
                try await api.request(access).resultsStatus == "failed"
            }
            // 25 days after receipt, 6 before the access request's deadline: it alone is at risk.
            try await harness.advance(days: 18)
            #expect(try await Self.atRisk(api) == 1)

            let path = "/data-subject-requests/\(access)/resolution"
            let missing = try await api.send(.POST, path, json: ["reason": "done by hand"])
            #expect(missing.status == 400 && Self.code(missing) == "missing_field")
            let badOutcome = try await api.send(.POST, path, json: ["outcome": "done", "reason": "done by hand"])
            #expect(badOutcome.status == 400 && Self.code(badOutcome) == "invalid_field")
            let emptyReason = try await api.send(.POST, path, json: ["outcome": "refused", "reason": "  "])
            #expect(emptyReason.status == 400 && Self.code(emptyReason) == "invalid_field")
            #expect(try await Self.atRisk(api) == 1)

            let resolved = try await api.send(
                .POST, path, json: ["outcome": "fulfilled_otherwise", "reason": "exported by hand and sent"])
            #expect(resolved.status == 200)
            let resolution = resolved.json?["resolution"] as? [String: any Sendable]
            #expect(resolution?["outcome"] as? String == "fulfilled_otherwise")
            #expect(resolution?["principal"] as? String == "dev")
            let last = (resolved.json?["audit"] as? [[String: any Sendable]])?.last
            #expect(last?["event"] as? String == "resolved" && last?["principal"] as? String == "dev")
            #expect(try await Self.atRisk(api) == 0)

            let again = try await api.send(.POST, path, json: ["outcome": "refused", "reason": "twice"])
            #expect(again.status == 409 && Self.code(again) == "already_resolved")
        }
    }
}
