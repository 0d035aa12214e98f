import Foundation
import GatewayApp
import GatewayTools
import NIOHTTP1
import Operations
import ProcessorSimulator
import Testing
import TestSupport

/// `GET /health` against the real gateway, store and simulator: each way it turns degraded or unhealthy, and back.
@Suite struct HealthEndToEndTests {
    /// The status code and the decoded body.
    static func health(_ harness: GatewayHarness) async throws -> (status: Int, body: [String: Any]) {
        let answer = try await harness.api.send(.GET, "/health")
        let body = try #require(try JSONSerialization.jsonObject(with: answer.body) as? [String: Any])
        return (answer.status, body)
    }

    static func check(_ body: [String: Any], _ name: String) -> [String: Any] {
        ((body["checks"] as? [String: Any])?[name] as? [String: Any]) ?? [:]
    }

    /// A processor outage is degraded mode, not a reason to pull the gateway: it still accepts and keeps work.
    @Test func healthyThenDegradedWhileTheProcessorIsDownThenHealthyAgain() async throws {
        try await GatewayHarness.with { harness in
            let (status, body) = try await Self.health(harness)
            #expect(status == 200)
            #expect(body["status"] as? String == "healthy")
            #expect(body["timestamp"] as? String == "2026-01-06T09:00:00.000Z")
            for name in ["store", "processor", "certificate", "dispatcher", "configuration"] {
                #expect(Self.check(body, name)["status"] as? String == "pass", "\(name)")
            }
            #expect(Self.check(body, "processor")["latency_ms"] is Int)
            #expect(Self.check(body, "certificate")["days_left"] as? Int == 365)
            #expect(Self.check(body, "dispatcher")["queue_depth"] as? Int == 0)
            let configuration = Self.check(body, "configuration")["detail"] as? String ?? ""
            #expect(configuration.hasPrefix("trust roots, results directory and disk re-checked"))

            // A fresh discovery result is reused for 30 s: callers of /health cannot spend the rate limit.
            harness.simulator.setFaults(SimulatorFaults(serverErrorFraction: 1))
            #expect(try await Self.health(harness).status == 200)
            try await harness.advance(by: 30)
            let (downStatus, down) = try await Self.health(harness)
            #expect(downStatus == 200)
            #expect(down["status"] as? String == "degraded")
            #expect(Self.check(down, "processor")["status"] as? String == "fail")
            #expect(Self.check(down, "store")["status"] as? String == "pass")
            let accepted = try await harness.api.send(
                .POST, "/data-subject-requests", json: ["regulation": "gdpr", "type": "erasure", "subjectId": "s-2"])
            #expect(accepted.status == 202)

            harness.simulator.setFaults(.none)
            try await harness.advance(by: 30)
            #expect(try await Self.health(harness).status == 200)

            // Once the result is stale, a burst of callers makes one discovery call between them.
            try await harness.advance(by: 30)
            let before = try await Self.discoveryCalls(harness)
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 { group.addTask { try await Self.health(harness).status } }
                for try await status in group { #expect(status == 200) }
            }
            #expect(try await Self.discoveryCalls(harness) == before + 1)
        }
    }

    /// Discovery calls the gateway has made, as `/metrics` counts them.
    static func discoveryCalls(_ harness: GatewayHarness) async throws -> Double {
        let text = String(decoding: try await harness.api.send(.GET, "/metrics").body, as: UTF8.self)
        return MetricsText(text).sum(
            MetricsCatalogue.processorDuration.name + "_count", ["operation": "discovery"])
    }

    @Test func degradedWhileA429PauseHoldsProcessorCalls() async throws {
        try await GatewayHarness.with { harness in
            harness.simulator.setFaults(SimulatorFaults(rateLimitStorm: true, rateLimitStormRetryAfter: 120))
            let api = try await harness.api
            let answer = try await api.send(
                .POST, "/data-subject-requests", json: ["regulation": "gdpr", "type": "erasure", "subjectId": "s-1"])
            #expect(answer.status == 202)
            try await harness.eventually("the delivery met the 429") {
                try await Self.check(Self.health(harness).body, "processor")["pause_seconds"] != nil
            }
            let (status, body) = try await Self.health(harness)
            #expect(status == 200, "\(body)")
            #expect(body["status"] as? String == "degraded")
            #expect(Self.check(body, "processor")["status"] as? String == "warn")
            #expect(Self.check(body, "dispatcher")["queue_depth"] as? Int == 1)

            harness.simulator.setFaults(.none)
            try await harness.advance(by: 120)
            try await harness.eventually("the pause ended and the request went out") {
                try await Self.health(harness).body["status"] as? String == "healthy"
            }
        }
    }

    /// The configuration is re-checked at run time: a results directory that is gone (here a file in its place, since
    /// the tests run as root, for whom no directory is read-only) means access results cannot be kept.
    @Test func unhealthyWhileTheResultsDirectoryIsGoneThenHealthyAgain() async throws {
        try await GatewayHarness.with { harness in
            #expect(try await Self.health(harness).status == 200)
            let results = harness.database.directory.appendingPathComponent("results")
            let aside = harness.database.directory.appendingPathComponent("results-aside")
            try FileManager.default.moveItem(at: results, to: aside)
            FileManager.default.createFile(atPath: results.path, contents: Data())
            let (status, body) = try await Self.health(harness)
            try FileManager.default.removeItem(at: results)
            try FileManager.default.moveItem(at: aside, to: results)
            #expect(status == 503)
            #expect(body["status"] as? String == "unhealthy")
            #expect(
                Self.check(body, "configuration")["detail"] as? String
                    == "the results directory is not writable: access results cannot be stored")
            #expect(try await Self.health(harness).status == 200)
        }
    }

    @Test func unhealthyWhileTheStoreCannotCommitThenHealthyAgain() async throws {
        try await GatewayHarness.with { harness in
            let database = harness.storePath
            let lock = try StoreWriteBlocker(database: database)
            let (status, body) = try await Self.health(harness)
            lock.release()
            #expect(status == 503)
            #expect(body["status"] as? String == "unhealthy")
            #expect(Self.check(body, "store")["status"] as? String == "fail")
            try await harness.eventually("the store commits again") {
                try await Self.health(harness).status == 200
            }
        }
    }
}
