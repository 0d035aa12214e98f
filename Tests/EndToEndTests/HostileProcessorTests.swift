import Foundation
import GatewayApp
import GatewayTools
import NIOHTTP1
import OpenDSR
import Operations
import ProcessorSimulator
import Testing
import TestSupport

/// A processor that misbehaves on the wire (the simulator's `hostile` fault: `Retry-After: inf`, `nan`, `1e30` and
/// worse, truncated and wrongly shaped JSON, HTML, bodies dripped a byte at a time, a garbage usage header) neither
/// crashes nor wedges the gateway, loses nothing it accepted, and is forgotten once the processor behaves again.
@Suite struct HostileProcessorTests {
    @Test func theGatewayStaysUpKeepsEveryRequestAndRecovers() async throws {
        try await GatewayHarness.with(gateway: { $0.processor.timeout = 1 }) { harness in
            harness.simulator.setFaults(SimulatorFaults(hostile: true, hostileDripMilliseconds: 150))
            let api = try await harness.api
            var ids: [String] = []
            for index in 0..<6 {
                ids.append(try await api.submitted(regulation: "gdpr", type: "erasure", subjectId: "hostile-\(index)"))
            }
            // Every kind of bad answer twice over, while submissions and /health (which calls discovery) keep
            // being answered. Before the fix `Retry-After: inf` trapped in a conversion and took the process down.
            let deadline = ContinuousClock.now + .seconds(90)
            while await harness.simulator.snapshot().refusals.injectedHostile < 2 * HostileAnswer.allCases.count {
                try #require(ContinuousClock.now < deadline, "every hostile answer met twice")
                #expect([200, 503].contains(try await api.send(.GET, "/health").status))
                ids.append(try await api.submitted(regulation: "gdpr", type: "access", subjectId: "more-\(ids.count)"))
                // Past the 30 s pause an unusable Retry-After leaves, some backoff, and in a few steps the hour a
                // day-long Retry-After is cut to (without that cut this loop would not finish).
                try await harness.advance(by: 600)
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(try await api.send(.GET, "/health/live").status == 200)
            // Unreadable 2xx answers are bad answers, counted apart from outages: they do not open the breaker.
            let metrics = MetricsText(String(decoding: try await api.send(.GET, "/metrics").body, as: UTF8.self))
            #expect(metrics.sum(MetricsCatalogue.processorDuration.name + "_count", ["outcome": "bad_answer"]) > 0)

            harness.simulator.setFaults(.none)
            // Past any pause and backoff: every accepted request reaches the processor exactly once. A 429 asking for
            // a day (or 1e30 s) held calls for an hour at most, or nothing would go out now. An attempt still in
            // flight during the first step records its retry (up to an hour) from the moved clock: a second step
            // passes that too, and two hours are still far short of a day.
            try await harness.advance(by: 3700)
            try await Task.sleep(for: .seconds(2))
            try await harness.advance(by: 3700)
            for id in ids {
                try await harness.eventually(timeout: .seconds(60), "\(id) is delivered") {
                    try await api.request(id).state != "queued"
                }
                #expect(try await api.request(id).state != "failed")
            }
            let held = await harness.simulator.snapshot().requests.map(\.subjectRequestId)
            #expect(held.count == ids.count)
            #expect(Set(held) == Set(ids))
            try await harness.eventually("health recovers") {
                try await Self.processorCheck(api)["status"] as? String == "pass"
            }
        }
    }

    static func processorCheck(_ api: GatewayAPIClient) async throws -> [String: Any] {
        let body = try JSONSerialization.jsonObject(with: try await api.send(.GET, "/health").body) as? [String: Any]
        return ((body?["checks"] as? [String: Any])?["processor"] as? [String: Any]) ?? [:]
    }
}
