import Foundation
import GatewayTools
import NIOHTTP1
import Testing
import TestSupport

/// Who did what: the API key behind a request and behind each audit entry its calls caused.
@Suite struct PrincipalTests {
    @Test func theSubmittingAndCancellingKeyIsRecordedAndTheWorkersAreNot() async throws {
        try await GatewayHarness.with { harness in
            let api = try await harness.api
            let id = try await api.submitted(regulation: "gdpr", type: "erasure", subjectId: "principal-1")
            let read = try await api.send(.GET, "/data-subject-requests/\(id)")
            #expect(read.json?["principal"] as? String == "dev")
            try await harness.waitFor(id, state: "pending")
            let cancelled = try await api.send(.DELETE, "/data-subject-requests/\(id)")
            #expect(cancelled.status == 200)
            let audit = try #require(cancelled.json?["audit"] as? [[String: any Sendable]])
            let byEvent = audit.map { ($0["event"] as? String ?? "", $0["principal"] as? String) }
            #expect(byEvent.first { $0.0 == "received" }?.1 == "dev")
            #expect(byEvent.first { $0.0 == "delivered" }.map { $0.1 == nil } == true)
            #expect(byEvent.last?.1 == "dev")
            #expect((audit.last?["toState"] as? String) == "cancelled")
        }
    }
}
