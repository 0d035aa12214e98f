import Foundation
import GatewayApp
import GatewayTools
import NIOHTTP1
import Persistence
import Testing
import TestSupport

/// The gateway on PostgreSQL while the database goes away and comes back: submissions are refused with 503
/// `store_unavailable` and nothing half-written, health and readiness fail, and the gateway recovers by itself.
@Suite struct StoreOutageTests {
    @Test func aDatabaseOutageIsA503WithNothingWrittenAndTheGatewayRecoversWithoutARestart() async throws {
        try await OwnPostgresServer.with { server in
            let url = try await PostgresDatabases.create(
                on: server.url, prefix: "outage", logger: GatewayHarness.quietLogger)
            try await GatewayHarness.with(gateway: { $0.store = .postgres(url) }) { harness in
                let api = try await harness.api
                let before = try await api.submitted(regulation: "gdpr", type: "erasure", subjectId: "before-outage")
                #expect(try await api.send(.GET, "/health").status == 200)

                try await server.halt()
                let refusedId = UUID().uuidString.lowercased()
                let refused = try await api.send(
                    .POST, "/data-subject-requests",
                    json: ["id": refusedId, "regulation": "gdpr", "type": "erasure", "subjectId": "during-outage"])
                #expect(refused.status == 503)
                #expect((refused.json?["error"] as? [String: any Sendable])?["code"] as? String == "store_unavailable")
                #expect(refused.retryAfter == "5")
                #expect(try await api.send(.GET, "/health").status == 503)
                #expect(try await api.send(.GET, "/health/ready").status == 503)
                #expect(try await api.send(.GET, "/health/live").status == 200)

                try await server.resume()
                // No restart: the pool connects again, and the refused request was not half-written.
                try await harness.eventually("the store answers again") {
                    try await api.send(.GET, "/health/ready").status == 200
                }
                #expect(try await api.send(.GET, "/data-subject-requests/\(refusedId)").status == 404)
                #expect(try await api.request(before).state != "failed")
                let retried = try await api.send(
                    .POST, "/data-subject-requests",
                    json: ["id": refusedId, "regulation": "gdpr", "type": "erasure", "subjectId": "during-outage"])
                #expect(retried.status == 202)
            }
        }
    }
}
